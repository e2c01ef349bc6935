"""A second ticket generator, for measuring redaction on text the sample generator never
writes: its own templates (spoken, formal, with typos), its own name pools (rare and compound
surnames, honorifics, names written with a space) and identifier forms (spaces inside
numbers, full-width digits, lower-case x, +86, dotted plates), plus look-alikes that must be
kept (order numbers failing the ID checksum, serials failing Luhn, dates, amounts, bus lines).

Every planted span is recorded with its offsets: the truth the benchmark scores against.
Nothing here is imported by sample_data or the redactor.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import polars as pl
from classify_eval.values import id_check, luhn_digit

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余")
RARE_SURNAMES = [*"禤訾乜厍逯钭覃佘冼亓隗靳缪仉笪郗琚蒯昝", "欧阳", "司马", "上官", "诸葛", "皇甫"]
GIVEN = list(
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰志华建国文斌晓红海燕玉梅俊鹏宇浩然子涵欣怡"
)
HONORIFICS = ["女士", "先生", "老师", "师傅", "阿姨", "大爷"]
CITIES = [
    ("杭州市", ["西湖区", "上城区", "拱墅区", "滨江区"]),
    ("宁波市", ["鄞州区", "海曙区"]),
    ("温州市", ["鹿城区", "瓯海区"]),
    ("嘉兴市", ["南湖区", "秀洲区"]),
    ("台州市", ["椒江区"]),
]
ROADS = ["文三路", "凤起东路", "解放南路", "江南大道", "学院路", "新华街", "中山北路", "庆春路"]
ESTATES = ["翠苑一区", "阳光家园", "金色港湾小区", "和睦新村", "丁桥花园", "星河苑"]
PROVINCE_CHARS = "浙沪苏皖京粤闽赣"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
REGIONS = ["330106", "330102", "330212", "330302", "110101", "320106", "440305", "510104"]
FULL = str.maketrans({str(i): chr(0xFF10 + i) for i in range(10)})
SPOKEN = str.maketrans("0123456789", "零幺二三四五六七八九")


@dataclass(frozen=True)
class Planted:
    """One ticket's text and the (entity, start, end) of what was planted in it."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


def resident_id(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice(REGIONS) + f"{rng.randint(1950, 2012)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = id_check(body)
    if not valid:
        check = "10X98765432"[("10X98765432".index(check) + 1) % 11]
    return body + check


def _order_number(rng: random.Random) -> str:
    while True:
        value = resident_id(rng, valid=False).replace("X", "7")
        if luhn_digit(value[:-1]) != value[-1]:
            return value


def bank_card(rng: random.Random, valid: bool = True) -> str:
    body = "62" + "".join(rng.choice("0123456789") for _ in range(rng.choice((14, 16))))
    check = luhn_digit(body)
    return body + (check if valid else str((int(check) + 1) % 10))


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(["13", "15", "17", "18", "19"])
        + str(rng.randint(0, 9))
        + f"{rng.randint(0, 99999999):08d}"
    )


def plate(rng: random.Random) -> str:
    serial = "".join(rng.choice("0123456789" + PLATE_LETTERS[:8]) for _ in range(5))
    if rng.random() < 0.25:
        serial = rng.choice("DF") + "".join(rng.choice("0123456789") for _ in range(5))
    return rng.choice(PROVINCE_CHARS) + rng.choice(PLATE_LETTERS) + serial


def id_form(rng: random.Random, value: str) -> str:
    form = rng.randrange(5)
    if form == 1:
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    if form == 2:
        return value.translate(FULL)
    if form == 3:
        return value.lower()
    return value


def mobile_form(rng: random.Random, value: str) -> str:
    head, mid, tail = value[:3], value[3:7], value[7:]
    forms = [value, f"{head} {mid} {tail}", f"{head}-{mid}-{tail}", f"+86 {value}"]
    forms += [value.translate(FULL), value.translate(SPOKEN)]
    return forms[rng.randrange(len(forms))]


def card_form(rng: random.Random, value: str) -> str:
    if rng.random() < 0.5:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def plate_form(rng: random.Random, value: str) -> str:
    return value[:2] + "·" + value[2:] if rng.random() < 0.3 else value


def person(rng: random.Random) -> tuple[str, str]:
    """(the text written, the part of it that is the name)."""
    surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.3 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    form = rng.randrange(6)
    if form == 0:
        return surname + rng.choice(HONORIFICS), surname
    if form == 1:
        return f"{surname} {given}", f"{surname} {given}"
    if form == 2:
        return surname + given + rng.choice(HONORIFICS[:2]), surname + given
    return surname + given, surname + given


def address(rng: random.Random) -> str:
    city, districts = rng.choice(CITIES)
    where = (city if rng.random() < 0.5 else "") + rng.choice(districts)
    if rng.random() < 0.5:
        room = f"{rng.randint(1, 25)}0{rng.randint(1, 4)}室"
        building = f"{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{room}"
        door = f"{where}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        return door + (building if rng.random() < 0.6 else "")
    return f"{where}{rng.choice(ESTATES)}{rng.randint(1, 40)}栋{rng.randint(1, 6)}单元"


TEMPLATES = (
    "喂你好，我是{P}啊，我家住{A}，楼上天天半夜装修，吵得没法睡，你们管管，我电话{M}。",
    "诉求人：{P}；联系方式：{M}；身份证件号码：{I}；诉求内容：小区电梯停运三天无人处理。",
    "来电人{P}反应，其车辆{V}被拖走了，不知道找谁，请回电{M}，谢谢。",
    "{P}来电咨询：退休金一直没到帐，银行卡号{B}，身份正号{I}，电活{M}。",
    "工单号{ORDER}，投诉人{P}称{A}附近夜市油烟扰民，已多次反应未果。",
    "联系人 {P}，手机 {M}，反映{A}门口人行道被共享单车堵死。",
    "{P}说她母亲在{A}独居，想申请居家养老服务，联系电话{M}，备用{M2}。",
    "市民反映{DATE}在3路公交上钱包丢失，内有现金{AMOUNT}元，失主{P}，电话{M}。",
    "当事人{P}（证件号{I}）反映医保报销被退回，需要说明原因，请致电{M}。",
    "举报{V}长期违停在{A}消防通道，举报人{P}不愿留电话。",
    "申请人{P}，住址：{A}，申请廉租房补贴，银行账号{B}，联系电话{M}。",
    "您好我姓{S}，我想问一下公积金贷款的利率，手机是{M}。",
    "反映人{P}：地铁2号线站口积水严重，流水号{SERIAL}，请尽快处理。",
    "{P}投诉快递员态度差，快递单号{ORDER}，收件地址{A}。",
)
"""Spoken, formal and typed tickets; typos kept (反应, 到帐, 身份正号, 电活) as transcripts
have them."""

REVIEWED = (
    "【工单】受理渠道：电话；市民{P}，手机号码{M}，称其在{A}的房屋漏水，物业不予理睬。",
    "来电者自称{P}，证件{I}，要求查询社保缴费记录，回拨{M}。",
    "您好，{P}来电，说是{A}那边的路灯坏了好久了，麻烦派人看看，他手机{M}",
    "关于{V}占道经营的投诉：投诉方{P}（联系电话：{M}），地点{A}。",
    "经核实，{P}于{DATE}办理的退款已打入其银行卡{B}，如有疑问请联系{M}。",
    "嗯…就是我姓{S}嘛，我那个电话号码是{M}，住在{A}，想问下拆迁补偿的事。",
    "家长{P}反映孩子学校门口交通拥堵，车辆{V}经常违停，联系方式{M}。",
    "受理编号{SERIAL}：{P}投诉装修公司拖延工期，合同金额{AMOUNT}元，电话{M}，身份证{I}。",
    "网友留言：本人{P}，住{A}，小区门口的井盖丢了好几天，有小孩差点掉下去！！电话{M}",
    "{DATE}回访记录：与{P}沟通，对处理结果表示满意（满意度5分），联系号码{M}。",
    "业务类型：户籍迁移｜办理人：{P}｜身份证：{I}｜手机：{M}｜住址：{A}",
    "师傅您好，我是{P}，我的车{V}在停车场被刮了，监控能不能调一下，我手机{M}。",
    "请转交城管：{A}夜间烧烤摊扰民，反映者{P}，电话{M}，不要透露其身份。",
    "退费申请，{P}，开户行工商银行，卡号{B}，金额{AMOUNT}元，联系{M}。",
    "老人{P}（身份证{I}）走失，家属{P2}，电话{M}，最后出现在{A}附近。",
    "你好我想投诉一下，就是那个{V}的司机，开车打电话，我姓{S}，号码{M}。",
    "【12345转办】诉求人{P}来电称，{A}楼下餐馆排污管堵塞，污水横流，回复电话{M}。",
    "这个事情我跟你们说过好几次了，我是住在{A}的{P}，车{V}天天被堵，电话{M}你们记一下。",
    "被投诉人：某培训机构；投诉人：{P}（身份证号{I}）；要求退还学费{AMOUNT}元，联系{M}。",
    "{P}（手机{M}）称其父亲{P2}在医院被多收费，医保卡绑定银行卡{B}，请核查。",
    "已电话联系{P}，告知其诉求已转至街道办理，并留存联系方式{M}备查。",
    "来信人{P}，通讯地址{A}，反映村集体土地被占用，附身份证复印件（{I}）。",
    "喂？喂？听得到吗，我{P}啊，{A}这边停水一天了，打物业电话{M}没人接！",
    "快递员{P}送件时与业主发生冲突，涉事车辆{V}，业主电话{M}，事发地点{A}。",
)
"""Templates written in three rounds as held-out sets; the misses of each were read and led to
more rules (role words such as 家长, 投诉方, 来电者, 反映者, 本人, 办理人; 我姓X嘛; a name before
于 and a date; a surname no list holds before an honorific; names that are a whole item of a
list or form; 与X沟通; nouns after 的), so they count as development data now."""

HELD_OUT = (
    "市长信箱来信：我叫{P}，家住{A}，去年交的物业费{AMOUNT}元至今没开发票，电话{M}。",
    "{DATE}，{P}到窗口办理居住证，登记手机{M}，证件号码{I}，现居住地{A}。",
    "反映内容：{A}的电动车充电桩坏了。反映人姓名：{P}。联系电话：{M}。",
    "哎呀你们到底管不管啊，我老公{P}昨天在{A}被电动车撞了，车牌{V}，人跑了！我电话{M}",
    "请{P}同志于三个工作日内携带身份证（{I}）到社区服务中心领取补贴，咨询电话{M}。",
    "投诉对象：{A}某药店；投诉理由：销售过期药品；投诉人{P}，银行卡{B}已被扣款{AMOUNT}元。",
    "转{P}：您反映的{V}违停问题已交交警处理，如有异议请拨打{M}。",
    "物业经理{P}答复：{A}的漏水已维修完毕，业主{P2}表示认可，回访电话{M}。",
)
"""Templates written after every rule of the redactor, never used to change one: the
benchmark's held-out set."""

_SLOT = re.compile(r"\{([A-Z0-9]+)\}")
HONORIFIC_SURNAME = {"S"}


IDENTIFIERS = {
    "M": ("CN_MOBILE", mobile, mobile_form),
    "M2": ("CN_MOBILE", mobile, mobile_form),
    "I": ("CN_RESIDENT_ID", resident_id, id_form),
    "B": ("CN_BANK_CARD", bank_card, card_form),
    "V": ("CN_PLATE", plate, plate_form),
}
"""Slot -> (entity, how a value is made, how it is written)."""


def _fill(rng: random.Random, slot: str) -> tuple[str, str | None, str | None]:
    """(text written, entity, the part of the text that is the entity)."""
    if slot in ("P", "P2"):
        written, name = person(rng)
        return written, "PERSON", name
    if slot == "S":
        surname = rng.choice(RARE_SURNAMES + SURNAMES)
        return surname, "PERSON", surname
    if slot in IDENTIFIERS:
        entity, make, form = IDENTIFIERS[slot]
        text = form(rng, make(rng))
        return text, entity, text
    if slot == "A":
        text = address(rng)
        return text, "ADDRESS", text
    if slot == "ORDER":  # 18 digits shaped like an ID; neither its checksum nor Luhn holds
        return _order_number(rng), None, None
    if slot == "SERIAL":  # 18 or 19 digits, Luhn fails
        return bank_card(rng, valid=False), None, None
    if slot == "DATE":
        return (
            f"{rng.randint(2024, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            None,
            None,
        )
    if slot == "AMOUNT":
        return str(rng.randint(50, 5000)), None, None
    raise KeyError(slot)


def ticket(rng: random.Random, templates: tuple[str, ...] = TEMPLATES) -> Planted:
    template = rng.choice(templates)
    out, spans, at = [], [], 0
    for i, part in enumerate(_SLOT.split(template)):
        if i % 2 == 0:
            out.append(part)
            at += len(part)
            continue
        written, entity, value = _fill(rng, part)
        if entity is not None and value is not None:
            start = at + written.index(value)
            spans.append((entity, start, start + len(value)))
        out.append(written)
        at += len(written)
    return Planted("".join(out), tuple(spans))


def generate(
    rows: int, seed: int = 20, templates: tuple[str, ...] = TEMPLATES
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(texts with a row number, planted spans: row, entity, start, end, text)."""
    rng = random.Random(seed)
    texts, spans = [], []
    for row in range(rows):
        t = ticket(rng, templates)
        texts.append(t.text)
        spans.extend((row, e, s, end, t.text[s:end]) for e, s, end in t.spans)
    truth = pl.DataFrame(spans, schema=["row", "entity", "start", "end", "text"], orient="row")
    return pl.DataFrame({"row": range(rows), "text": texts}), truth
