"""A table judged beside earlier versions of its own product, which their readers keep: it hides
what they hid, refuses to hide what they published when a correction changed it since, and
hides without complaint a cell they published with the same value (a higher minimum group
size on the same data reveals nothing new)."""

from __future__ import annotations

import polars as pl

from transforms.linked.cells import SCHEMA
from transforms.linked.protect import protect_jointly

KEPT = (
    "the correction stays held and reaches the table with the resource's next delivery, or "
    "publish the product with coarser dimensions now"
)

DIMS = ["district", "sex"]


def table(
    product: str,
    cells: dict[str, int],
    *,
    threshold: int = 5,
    candidate: bool = False,
    total: bool = False,
):
    """Linked cells of a table of men by district (`total`: by district alone, with the
    total): cells below `threshold` hidden."""
    rows = list(cells.items()) + ([("", sum(cells.values()))] if total else [])
    dims = [[] if not d else ["district"] if total else DIMS for d, _ in rows]
    return pl.DataFrame(
        {
            "product": product,
            "part": 0,
            "row": range(len(rows)),
            "family": "people",
            "additive": True,
            "dims": dims,
            "key": [[] if not d else [d] if total else [d, "男"] for d, _ in rows],
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


def test_the_reader_is_taken_to_know_the_correction_between_the_versions():
    """v1 published a district of 6 and the total 12; the correction moves one person from it
    to a hidden district. v2 alone leaves each hidden district 2 to 4, but a reader who knows
    that v1's 6 is now 5 narrows them to 3 to 4, and no cell of v2 can hide that: v1 shows
    them all."""
    v1 = table("t v1", {"a": 6, "b": 3, "c": 3}, total=True)
    found = protect_jointly(v1, table("t", {"a": 5, "b": 4, "c": 3}, total=True, candidate=True))
    assert len(found.refusals) == 2
    assert "district=b is 3 to 4 (narrower than 2)" in found.refusals[0]
    assert found.refusals[0].endswith("beside t v1, which readers keep: " + KEPT)
