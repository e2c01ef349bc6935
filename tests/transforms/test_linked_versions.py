"""A table judged beside earlier versions of its own product, which their readers keep: it hides
what they hid, refuses to hide what they published when a correction changed it since, and
hides without complaint a cell they published with the same value (a higher minimum group
size on the same data reveals nothing new)."""

from __future__ import annotations

import polars as pl

from transforms.linked.cells import SCHEMA
from transforms.linked.protect import protect_jointly

DIMS = ["district", "sex"]


def table(product: str, cells: dict[str, int], *, threshold: int = 5, candidate: bool = False):
    """Linked cells of a people-by-district-and-sex table: cells below `threshold` hidden."""
    rows = list(cells.items())
    return pl.DataFrame(
        {
            "product": product,
            "part": 0,
            "row": range(len(rows)),
            "family": "people",
            "additive": True,
            "dims": [DIMS] * len(rows),
            "key": [[district, "男"] for district, _ in rows],
            "published": [float(n) if n >= threshold else None for _, n in rows],
            "truth": [float(n) for _, n in rows],
            "suppressed": [n < threshold for _, n in rows],
            "threshold": threshold,
            "width": float((threshold - 1) // 2),
            "candidate": candidate,
        },
        schema=SCHEMA,
    )


def test_a_cell_the_earlier_version_hid_stays_hidden_when_a_correction_fills_it():
    v1 = table("t v1", {"330102": 7, "330105": 4})
    found = protect_jointly(v1, table("t", {"330102": 6, "330105": 5}, candidate=True))
    assert found.refusals == []
    assert found.hide == {(0, 1)}


def test_a_cell_the_earlier_version_published_cannot_be_hidden_after_a_correction():
    v1 = table("t v1", {"330106": 5, "330108": 20})
    v2 = table("t v2", {"330106": 5, "330108": 20})
    found = protect_jointly(
        pl.concat([v1, v2]), table("t", {"330106": 4, "330108": 21}, candidate=True)
    )
    assert len(found.refusals) == 1
    said = found.refusals[0]
    assert said.startswith("people at district=330106, sex=男 covers fewer than 5 but t v1, t v2")
    assert "published it as 5" in said and "its corrected value of 4" in said
    assert "next delivery" in said


def test_a_higher_minimum_on_the_same_data_hides_what_the_earlier_version_published():
    v1 = table("t v1", {"330102": 7, "330105": 12})
    found = protect_jointly(v1, table("t", {"330102": 7, "330105": 12}, threshold=10,
                                      candidate=True))  # fmt: skip
    assert found.refusals == [] and found.hide == set()


def test_another_product_publishing_the_cell_is_still_to_be_rebuilt_first():
    other = table("u v1", {"330106": 5})
    found = protect_jointly(other, table("t", {"330106": 4}, candidate=True))
    assert found.refusals and "rebuild u v1 first" in found.refusals[0]
