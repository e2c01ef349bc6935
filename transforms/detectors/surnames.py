"""Chinese surnames (common single-character ones and the compound ones still in use): the
precision filter for person names, since a name almost always starts with one."""

from __future__ import annotations

from transforms.detectors.places import split_words

_SINGLE = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
    "云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常"
    "乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞"
    "熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍"
    "虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁"
    "荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
    "池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农"
    "温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东"
    "欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红"
    "游竺权逯盖益桓公谌佟练覃钞蒿揭岳楚牟鄢丛战商朴豆母奉位麦仝初但芦苟斯信冼付兰粟涂佘官阳尧宾哈门南迟尉亓隋邝"
)
_COMPOUND = split_words(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 闻人 呼延 端木 万俟 百里 东郭 南宫 "
    "西门 拓跋 独孤 第五 左丘 谷梁 梁丘 乐正 公羊 段干 司空 司寇 亓官 巫马 漆雕 壤驷"
)

SINGLE_SURNAMES: frozenset[str] = frozenset(_SINGLE)
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND)
SURNAME_PATTERN = "(?:" + "|".join(_COMPOUND) + "|[" + "".join(sorted(SINGLE_SURNAMES)) + "])"
"""A regex alternation (Python re and Rust regex alike), compound surnames first."""


def surname_of(word: str) -> str | None:
    """The surname a word starts with, compound first (欧阳 before 欧), or None.

    >>> surname_of("欧阳修"), surname_of("王芳"), surname_of("市民")
    ('欧阳', '王', None)
    """
    if word[:2] in COMPOUND_SURNAMES:
        return word[:2]
    return word[:1] if word[:1] in SINGLE_SURNAMES else None
