"""What an attacker can know about a person's attribute from other releases of the same
resource, and how coarsely (汇聚关联风险 across product kinds).

A verification service that answers "paid at least m months" for m in {3, 6, 12} tells its
operator which band of those thresholds a person's months fall in; one that matches a claimed
value tells the exact value; a `require` clause tells whether the value is in a set; a
microdata release publishes its included columns exactly. An attacker holding such knowledge
links on it like on a quasi-identifier, at the granularity they know it.

>>> months = Knowledge("jfys", "cuts", cuts=(3, 6, 12))
>>> [months.label(v) for v in ("2", "3", "11.5", "12", "x")]
['< 3', '[3, 6)', '[6, 12)', '>= 12', 'x']
>>> merge([months, Knowledge("jfys", "exact")])["jfys"].form
'exact'
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

Form = Literal["exact", "cuts", "sets"]
FINEST: tuple[Form, ...] = ("exact", "cuts", "sets")


@dataclass(frozen=True)
class Knowledge:
    """One attribute as an attacker knows it: `exact`ly, up to the band between `cuts`
    (thresholds a claim compares with), or up to which of the `sets` hold the value."""

    column: str
    form: Form
    cuts: tuple[float, ...] = ()
    sets: tuple[tuple[str, ...], ...] = ()
    within: tuple[str, ...] | None = None
    """For what a table's cells tell (transforms/linkage/cells.py): the columns that key the
    cells the value is learnt within; None when it is learnt person by person."""

    def label(self, value: str | None) -> str | None:
        """What the attacker can tell about a published value: the value itself when they know
        it exactly or it is not a plain value (a generalised label, "*"), else its band or
        the sets it is in."""
        if value is None or self.form == "exact":
            return value
        if self.form == "cuts":
            try:
                number = float(value)
            except ValueError:
                return value
            return _band(number, sorted(self.cuts))
        held = [str(i) for i, members in enumerate(self.sets) if value in members]
        return "in " + ",".join(held) if held else "in none"

    def view(self, values: pl.Series) -> pl.Series:
        """`label` over a column, computed once per distinct value."""
        values = values.cast(pl.String)
        if self.form == "exact":
            return values
        labels = {v: self.label(v) for v in values.drop_nulls().unique().to_list()}
        return values.replace_strict(labels, default=None, return_dtype=pl.String)

    def describe(self) -> str:
        if self.within is not None:
            cells = ", ".join(self.within) or "the whole resource"
            return f"{self.column} (told apart within cells of {cells})"
        if self.form == "exact":
            return f"{self.column} (exact)"
        if self.form == "cuts":
            return f"{self.column} (at thresholds {', '.join(f'{c:g}' for c in self.cuts)})"
        shown = "; ".join("{" + ", ".join(s) + "}" for s in self.sets)
        return f"{self.column} (whether in {shown})"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "form": self.form}
        if self.cuts:
            out["cuts"] = list(self.cuts)
        if self.sets:
            out["sets"] = [list(s) for s in self.sets]
        if self.within is not None:
            out["within"] = list(self.within)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Knowledge:
        return cls(
            data["column"],
            data["form"],
            tuple(float(c) for c in data.get("cuts", ())),
            tuple(tuple(str(v) for v in s) for s in data.get("sets", ())),
            tuple(data["within"]) if "within" in data else None,
        )


def _band(number: float, cuts: list[float]) -> str:
    at = bisect.bisect_right(cuts, number)
    if at == 0:
        return f"< {cuts[0]:g}"
    if at == len(cuts):
        return f">= {cuts[-1]:g}"
    return f"[{cuts[at - 1]:g}, {cuts[at]:g})"


def merge(known: Iterable[Knowledge]) -> dict[str, Knowledge]:
    """Per column, everything known together: exact beats any band; bands from several
    sources combine their thresholds, sets their sets. A column known both by bands and by
    sets is treated as known exactly (the finer of two unrelated partitions is not a band)."""
    by_column: dict[str, Knowledge] = {}
    for item in known:
        held = by_column.get(item.column)
        if held is None:
            by_column[item.column] = item
        elif "exact" in (held.form, item.form) or held.form != item.form:
            cells = None
            if held.within is not None and item.within is not None:
                cells = tuple(dict.fromkeys((*held.within, *item.within)))
            by_column[item.column] = Knowledge(item.column, "exact", within=cells)
        elif item.form == "cuts":
            cuts = tuple(sorted({*held.cuts, *item.cuts}))
            by_column[item.column] = Knowledge(item.column, "cuts", cuts=cuts)
        else:
            sets = tuple(dict.fromkeys((*held.sets, *item.sets)))
            by_column[item.column] = Knowledge(item.column, "sets", sets=sets)
    return by_column
