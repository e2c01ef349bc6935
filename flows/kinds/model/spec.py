"""Data model (数据模型) as a policy spec: an aggregated table whose every published cell covers
enough people, with optional totals and contribution bounding. The differentially private
model (../private_model.py) shares everything here but how cells are protected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from governance.policy.base import NUMERIC_TYPES, Identifier, Problem, StrictModel
from governance.policy.product import ProductBase, ResourcePolicy
from transforms.linkage.cells import cell_reveals


class Dimension(StrictModel):
    """A group-by column, optionally published under another name."""

    column: str
    as_: Identifier | None = Field(None, alias="as")

    @property
    def output(self) -> str:
        return self.as_ or self.column


class Measure(StrictModel):
    """One published statistic per cell."""

    name: Identifier
    agg: Literal["count", "count_subjects", "sum", "mean", "median"]
    column: str | None = None
    round: int | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _column_matches_agg(self) -> Measure:
        counting = self.agg in ("count", "count_subjects")
        if counting and self.column:
            raise ValueError(f"'{self.agg}' counts rows or subjects and takes no 'column'")
        if not counting and not self.column:
            raise ValueError(f"'{self.agg}' needs 'column' (the numeric column to aggregate)")
        return self


class Contribution(StrictModel):
    """Contribution bounding: how often one person may count, and the range values are clamped
    to, so one person's influence on any published number is bounded.

    Under differential privacy the rows are bounded within cells: a person keeps at most
    `max_rows_per_subject` rows in each cell and counts in at most `max_partitions_per_subject`
    cells, so a bound that covers everyone leaves the counts exact before noise. A model without
    differential privacy bounds rows over the whole resource and has no use for the second."""

    max_rows_per_subject: int | None = Field(
        None,
        ge=1,
        description="Rows kept per person: in each cell under differential privacy, over the "
        "whole resource otherwise (chosen by a keyed hash, not file order).",
    )
    max_partitions_per_subject: int | None = Field(
        None,
        ge=1,
        description="Differential privacy: cells (combinations of the dimensions) one person "
        "may count in; the noise grows with it. Required when the resource has a subject.",
    )
    bounds: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="Column -> [low, high]; values are clamped to it."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Contribution:
        for column, (low, high) in self.bounds.items():
            if low > high:
                raise ValueError(f"bounds of '{column}': {low:g} is above {high:g}")
        return self


class AggregateSpec(ProductBase):
    """What a model and a private model declare alike: cells by dimensions, their measures."""

    kind: Literal["model"]
    dimensions: list[str | Dimension] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)
    min_group_size: int = Field(
        10, ge=2, description="Cells covering fewer subjects than this are suppressed."
    )
    margins: list[Identifier] = Field(
        default_factory=list,
        description="Dimensions (as published) to total over; cells that totals would give "
        "away are suppressed too (secondary suppression).",
    )
    contribution: Contribution | None = None
    protection_width: int | None = Field(
        None,
        ge=0,
        description="How wide a reader's range for a suppressed cell below min_group_size must "
        "stay, in people, given every live table of the resource (interval audit); default "
        "(min_group_size - 1) // 2, at most min_group_size - 2.",
    )

    @model_validator(mode="after")
    def _margins_are_dimensions(self) -> AggregateSpec:
        outputs = [d.output for d in self.dimension_specs()]
        unknown = [m for m in self.margins if m not in outputs]
        if unknown:
            shown = ", ".join(outputs)
            raise ValueError(f"margins {', '.join(unknown)} are not dimensions ({shown})")
        if len(set(self.margins)) != len(self.margins):
            raise ValueError("margins lists a dimension twice")
        return self

    @model_validator(mode="after")
    def _width_fits(self) -> AggregateSpec:
        if self.protection_width is not None and self.protection_width > max(
            self.min_group_size - 2, 0
        ):
            raise ValueError(
                f"protection_width {self.protection_width} cannot be met: a suppressed cell "
                f"holds 1 to {self.min_group_size - 1} people, a range of at most "
                f"{max(self.min_group_size - 2, 0)}"
            )
        return self

    def width(self) -> int:
        """The protection width the interval audit holds this product's hidden cells to."""
        if self.protection_width is not None:
            return self.protection_width
        return (self.min_group_size - 1) // 2

    def dimension_specs(self) -> list[Dimension]:
        return [d if isinstance(d, Dimension) else Dimension(column=d) for d in self.dimensions]

    def source_columns(self) -> list[str]:
        named = [d.column for d in self.dimension_specs()]
        named += [m.column for m in self.measures if m.column]
        return list(dict.fromkeys(named))

    def problems(self, policy: ResourcePolicy, base: Path | None) -> Iterator[Problem]:
        """Dimensions and measures name usable columns, outputs are unique, bounded columns
        are numeric."""
        outputs: set[str] = set()
        for j, dim in enumerate(self.dimension_specs()):
            yield from _dimension(policy, ("dimensions", j), dim, outputs)
        for j, measure in enumerate(self.measures):
            yield from _measure(policy, ("measures", j), measure, outputs)
        if "suppressed" in outputs:
            yield (), "'suppressed' is reserved for the suppression flag column"
        for column in self.contribution.bounds if self.contribution else {}:
            declared = policy.columns.get(column)
            out = declared.treatment.output_type(declared.type) if declared else None
            if out not in NUMERIC_TYPES:
                yield (
                    ("contribution", "bounds", column),
                    f"'{column}' is not a numeric column of the de-identified resource",
                )


class ModelProduct(AggregateSpec):
    """Data model (数据模型): an aggregated table whose every published cell covers enough
    people."""

    differential_privacy: None = Field(
        None,
        description="Set to release the model with differential privacy instead of suppressing "
        "small cells (PrivateModelProduct).",
    )

    def reveals(self) -> list[dict[str, Any]]:
        """Exact cells let their readers tell records apart by the columns they group and
        aggregate (transforms/linkage/cells.py); records published beside them are judged so."""
        dims = [d.column for d in self.dimension_specs()]
        stats = [(m.agg, m.column) for m in self.measures]
        return [k.to_json() for k in cell_reveals(dims, stats)]


def _dimension(
    policy: ResourcePolicy, where: tuple[str | int, ...], dim: Dimension, outputs: set[str]
) -> Iterator[Problem]:
    column = policy.columns.get(dim.column)
    if column is None:
        yield where, f"dimension '{dim.column}' is not a declared column"
        return
    if column.secret:
        yield where, f"dimension '{dim.column}' is secret; no product may release it"
    elif column.treatment.output_type(column.type) is None:
        yield where, f"dimension '{dim.column}' is dropped by its treatment"
    elif column.category in ("direct_identifier", "free_text"):
        yield where, f"dimension '{dim.column}' is a {column.category.replace('_', ' ')}"
    if dim.output in outputs:
        yield where, f"output column '{dim.output}' appears twice"
    outputs.add(dim.output)


def _measure(
    policy: ResourcePolicy, where: tuple[str | int, ...], measure: Measure, outputs: set[str]
) -> Iterator[Problem]:
    if measure.name in outputs:
        yield where, f"output column '{measure.name}' appears twice"
    outputs.add(measure.name)
    if measure.column is None:
        return
    column = policy.columns.get(measure.column)
    at = (*where, "column")
    if column is None:
        yield at, f"'{measure.column}' is not a declared column"
        return
    out_type = column.treatment.output_type(column.type)
    if column.secret:
        yield at, f"'{measure.column}' is secret; no product may release it"
    elif out_type not in NUMERIC_TYPES:
        got = "dropped" if out_type is None else f"{out_type} after treatment"
        yield at, f"'{measure.agg}' needs a numeric column; '{measure.column}' is {got}"
    elif column.category in ("direct_identifier", "free_text"):
        yield at, f"'{measure.column}' is a direct identifier"
