"""An adversary's attack on redacted free text: a caller (or an operator's clerk) writes the
identifiers of a ticket in every form a detector might not expect, and the text is published
through the redact treatment and the real gate. The attacker then reads what left with a
reader of their own: every character that is not a letter or digit removed, full-width and
spoken digits made ASCII, and the planted values searched for. Either the gate refuses the
release, or none of the planted values can be read back.

Then linkage: keyed pseudonyms let a reader follow one person across tickets and across two
resources redacted with the same key, but an attacker who knows every candidate mobile
number and name cannot compute a pseudonym without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl
import pytest

from transforms.egress import EgressRefused, Origin, egress_gate
from transforms.operators import get_operator

ID = "110101199003077571"
ID_X = "11010119900307109X"
MOBILE = "13812345678"
CARD = "6222021234567890128"
NAME = "禤国维"

TEXT = {"content": Origin("text", "content", "free_text")}
_SPOKEN = str.maketrans("〇零幺一二两三四五六七八九", "0011223456789")
_FULL = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"ｘ": "x", "Ｘ": "X"})


def attacker_reads(text: str) -> str:
    """The attacker's reader: digits only, whatever was written between them."""
    return re.sub(r"[^0-9Xx]", "", text.translate(_FULL).translate(_SPOKEN)).upper()


PLANTED = [
    (f"身份证号{ID[:6]} {ID[6:14]} {ID[14:]}", ID),
    (f"身份证{ID[:6]}-{ID[6:14]}-{ID[14:]}", ID),
    (f"证件号{ID_X[:-1]}x号", ID_X),
    ("身份证" + ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")), ID),
    (f"手机{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}", MOBILE),
    (f"手机{MOBILE[:3]}.{MOBILE[3:7]}.{MOBILE[7:]}", MOBILE),
    (f"电话+86-{MOBILE}", MOBILE),
    ("电话幺三八一二三四五六七八", MOBILE),
    (f"电话{MOBILE}，身份证{ID}", MOBILE),
    (f"号码{ID} {MOBILE}", ID),
    (f"卡号{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}", CARD),
    (f"ID:{ID}abc", ID),
    (f"（{MOBILE}）", MOBILE),
]


def publish(texts: list[str], **params) -> pl.DataFrame | None:
    """The texts redacted by the policy's operator and judged by the gate; None = refused."""
    redact = get_operator("redact")
    frame = pl.DataFrame({"content": texts}).select(
        redact(pl.col("content"), source_type="string", **params)
    )
    try:
        return egress_gate(frame, lineage=TEXT).frame
    except EgressRefused:
        return None


@pytest.mark.parametrize(("text", "value"), PLANTED)
def test_no_planted_number_can_be_read_back(text, value):
    out = publish([text])
    assert out is None or value not in attacker_reads(out["content"][0])


def test_the_planted_forms_are_redacted_not_merely_refused():
    out = publish([t for t, _ in PLANTED])
    assert out is not None
    assert not [
        v for (_, v), t in zip(PLANTED, out["content"], strict=True) if v in attacker_reads(t)
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"联系人：{NAME}，电话<手机号>",
        f"来电人 {NAME[0]} {NAME[1:]} 反映",
        "投诉人王建华表示不满",
        "申请人是欧阳娜娜",
        "市民黄先生反映，邻居刘刚称",
        f"{NAME}投诉噪音",
    ],
)
def test_names_beside_role_words_and_honorifics_do_not_leave(text):
    out = publish([text])
    names = (NAME, "王建华", "欧阳娜娜", "黄先生", "刘刚")
    readable = re.sub(r"\s", "", out["content"][0]) if out is not None else ""
    assert out is None or not [n for n in names if n in readable]


def test_a_text_edited_after_redaction_is_refused_by_the_gate():
    frame = pl.DataFrame({"content": [f"联系人{NAME}", f"手机{MOBILE}"]})
    with pytest.raises(EgressRefused):
        egress_gate(frame, lineage={"content": Origin("text", "content", "free_text")})


KEY = bytes.fromhex("5a" * 32)
PSEUDONYMS = {"PERSON": "pseudonym", "CN_MOBILE": "pseudonym"}


def pseudonyms(text: str) -> list[str]:
    return re.findall(r"<[^_>]+_([a-z]+)>", text)


def test_pseudonyms_link_one_person_across_rows_and_resources():
    tickets = publish([f"来电人{NAME}，手机{MOBILE}", f"联系人{NAME}再次来电，电话138-1234-5678"],
                      entities=PSEUDONYMS, key=KEY)  # fmt: skip
    visits = publish([f"患者{NAME}，联系电话{MOBILE}"], entities=PSEUDONYMS, key=KEY)
    assert tickets is not None and visits is not None
    first, second = (pseudonyms(t) for t in tickets["content"])
    assert first == second and pseudonyms(visits["content"][0]) == first
    other = publish([f"来电人{NAME}，手机{MOBILE}"], entities=PSEUDONYMS, key=b"\x01" * 32)
    assert other is not None and not set(pseudonyms(other["content"][0])) & set(first)


def test_without_the_key_no_candidate_maps_to_a_pseudonym():
    """The attacker knows the pseudonym of the target and every mobile of its prefix block
    (10,000 numbers), and tries unkeyed and guessable-key hashes in the same letter form."""
    out = publish([f"手机{MOBILE}"], entities=PSEUDONYMS, key=KEY)
    assert out is not None
    (target,) = pseudonyms(out["content"][0])
    letters = str.maketrans("0123456789", "ghijklmnop")

    def forms(value: bytes) -> set[str]:
        digests = [hashlib.sha256(value).hexdigest(), hashlib.md5(value).hexdigest()]
        for guess in (b"", b"default", b"sluice", b"0" * 32):
            digests.append(hmac.new(guess, value, hashlib.sha256).hexdigest())
        return {d[:8].translate(letters) for d in digests}

    candidates = [f"{MOBILE[:7]}{i:04d}".encode() for i in range(10_000)]
    assert not [c for c in candidates if target in forms(c)]
    keyed = hmac.new(KEY.hex().encode(), MOBILE.encode(), hashlib.sha256).hexdigest()
    assert keyed[:8].translate(letters) == target  # the key holder alone can link
