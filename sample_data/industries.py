"""GB/T 4754-2017 industry sections with share-of-enterprises weights and name keywords.

The keyword in a company name decides its section, so 企业名称 and 行业门类 agree (a 贸易 company is
in 批发和零售业), which is the kind of cross-column consistency a real register has.
"""

from __future__ import annotations

import numpy as np

# (section letter, section name, share of registered enterprises, keywords used in company names)
SECTIONS: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    ("A", "农、林、牧、渔业", 0.02, ("农业开发", "生态农业", "茶业", "水产养殖", "苗木")),
    ("B", "采矿业", 0.003, ("矿业", "石材")),
    ("C", "制造业", 0.22,
     ("机械制造", "电子", "纺织", "服饰", "化工", "汽车配件", "五金", "塑料制品", "电器",
      "新材料", "精密机械", "食品", "包装", "家具")),
    ("D", "电力、热力、燃气及水生产和供应业", 0.005, ("新能源", "燃气", "供水", "电力")),
    ("E", "建筑业", 0.06, ("建设", "建筑工程", "装饰工程", "市政工程", "幕墙工程")),
    ("F", "批发和零售业", 0.30,
     ("贸易", "商贸", "进出口", "百货", "供应链", "电子商务", "医药连锁", "建材")),
    ("G", "交通运输、仓储和邮政业", 0.03, ("物流", "运输", "仓储", "快递")),
    ("H", "住宿和餐饮业", 0.04, ("餐饮管理", "酒店管理", "小吃")),
    ("I", "信息传输、软件和信息技术服务业", 0.08,
     ("网络科技", "信息技术", "软件", "数据科技", "智能科技", "云计算")),
    ("J", "金融业", 0.005, ("投资管理", "资产管理")),
    ("K", "房地产业", 0.02, ("房地产开发", "置业", "物业管理")),
    ("L", "租赁和商务服务业", 0.09,
     ("企业管理咨询", "商务咨询", "广告", "人力资源", "会展服务", "设备租赁")),
    ("M", "科学研究和技术服务业", 0.05, ("生物科技", "环保科技", "检测技术", "工程设计")),
    ("N", "水利、环境和公共设施管理业", 0.005, ("环境工程", "园林绿化")),
    ("O", "居民服务、修理和其他服务业", 0.03, ("家政服务", "汽车维修", "美容美发")),
    ("P", "教育", 0.01, ("教育科技", "职业培训")),
    ("Q", "卫生和社会工作", 0.005, ("健康管理", "养老服务")),
    ("R", "文化、体育和娱乐业", 0.02, ("文化传媒", "文化创意", "体育发展", "影视")),
)  # fmt: skip

SECTION_NAMES = [s[1] for s in SECTIONS]
_SHARE = np.array([s[2] for s in SECTIONS])
SECTION_WEIGHTS = _SHARE / _SHARE.sum()

# flattened keyword table: keyword text and the index of its section
KEYWORDS = [k for s in SECTIONS for k in s[3]]
KEYWORD_SECTION = np.array([i for i, s in enumerate(SECTIONS) for _ in s[3]])
_FIRST = np.concatenate([[0], np.cumsum([len(s[3]) for s in SECTIONS])[:-1]])
_COUNT = np.array([len(s[3]) for s in SECTIONS])

SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
SUFFIX_WEIGHTS = np.array([0.82, 0.11, 0.07])


def sample_keywords(rng: np.random.Generator, n: int) -> np.ndarray:
    """Keyword indices: a section by weight, then a keyword of that section uniformly."""
    section = rng.choice(len(SECTIONS), size=n, p=SECTION_WEIGHTS)
    return _FIRST[section] + (rng.random(n) * _COUNT[section]).astype(np.int64)
