"""The entities a free-text redaction finds, with the tag each becomes (<手机号>) and the mark
that carries a found span from detection to rendering.

A mark wraps a span as MARK_OPEN + code + span + MARK_CLOSE, with characters from Unicode's
private use area, which no real text holds: detection passes skip marked spans, and rendering
turns each into a tag, a keyed pseudonym or the span itself, as the policy says.
"""

from __future__ import annotations

TAGS: dict[str, str] = {
    "CN_RESIDENT_ID": "身份证号",
    "CN_BANK_CARD": "银行卡号",
    "CN_MOBILE": "手机号",
    "CN_LANDLINE": "电话",
    "CN_USCC": "统一社会信用代码",
    "CN_PASSPORT": "护照号",
    "CN_HK_MACAU_PERMIT": "通行证号",
    "CN_HOME_RETURN_PERMIT": "回乡证号",
    "CN_TAIWAN_PERMIT": "台胞证号",
    "CN_PLATE": "车牌",
    "EMAIL": "邮箱",
    "IP_ADDRESS": "IP地址",
    "CN_POSTCODE": "邮编",
    "PERSON": "姓名",
    "ADDRESS": "地址",
}
"""Entity -> the tag written in its place, in the order codes are assigned."""

ENTITIES: tuple[str, ...] = tuple(TAGS)
PERSONAL: frozenset[str] = frozenset({"CN_RESIDENT_ID", "CN_BANK_CARD", "CN_MOBILE", "PERSON"})
"""Entities that always identify a person: a policy may tag or pseudonymise them, never keep."""

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARKED = f"{MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE}"
"""A regex for one marked span (Python re and Rust regex alike)."""
CODES: dict[str, str] = {e: chr(0xE010 + i) for i, e in enumerate(ENTITIES)}


def marked(entity: str, span: str) -> str:
    """A span wrapped in the mark of its entity.

    >>> marked("PERSON", "王芳") == MARK_OPEN + CODES["PERSON"] + "王芳" + MARK_CLOSE
    True
    """
    return f"{MARK_OPEN}{CODES[entity]}{span}{MARK_CLOSE}"


_ENTITY_OF = {code: entity for entity, code in CODES.items()}


def shown(text: str | None) -> str | None:
    """Marks written as [ENTITY:span], for reading a marked text.

    >>> shown(marked("CN_MOBILE", "13812345678") + "来电")
    '[CN_MOBILE:13812345678]来电'
    """
    if text is None:
        return None
    for code, entity in _ENTITY_OF.items():
        text = text.replace(MARK_OPEN + code, f"[{entity}:")
    return text.replace(MARK_CLOSE, "]")
