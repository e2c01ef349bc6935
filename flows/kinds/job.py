"""What a product kind builds from: the resources prepared inside the domain, where the
product is declared, and what the shell lends the build (folders, the budget ledger, keys)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import polars as pl

from flows.settings import Paths
from governance.budget import BudgetLedger
from governance.ledger import ReleaseLedger
from governance.policy.load import LoadedPolicy
from governance.policy.models import Policy
from governance.policy.product import ProductBase
from transforms.deidentify import SUBJECT_HASH
from transforms.validation import OK

SpecT = TypeVar("SpecT", bound=ProductBase)
R = TypeVar("R")


class Parts(Protocol):
    """A resource's de-identified partitions, on a cluster that computes over them."""

    def map(self, fn: Callable[[pl.LazyFrame], R], columns: Sequence[str], name: str) -> list[R]:
        """`fn` of every part's passing rows (only `columns`), in the parts' order."""
        ...


@dataclass(frozen=True)
class Prepared:
    """One resource de-identified inside the domain for this build, and what went to
    quarantine."""

    resource: str
    inputs: list[dict[str, Any]]
    path: Path
    subject: str | None
    internal: list[str]
    rows: int
    quarantined: int
    quarantine_file: Path | None
    validated: pl.LazyFrame = field(repr=False, compare=False)
    """The rows that passed validation, typed but not yet de-identified (verification
    indices key them)."""
    parts: Parts | None = field(default=None, repr=False, compare=False)
    """The de-identified partitions and their cluster, when an engine prepared the resource
    in parts: kinds may aggregate each part there and merge the partial aggregates."""

    def frame(self) -> pl.LazyFrame:
        """The de-identified rows that passed validation, without the build's own columns."""
        return self._passing().drop(SUBJECT_HASH, strict=False)

    def hashed(self) -> tuple[pl.LazyFrame, str | None]:
        """`frame()` with each row's person as the 64-bit hash de-identification computed once
        (and that column's name), for counting people; no column when there is no subject."""
        rows = self._passing()
        found = SUBJECT_HASH in rows.collect_schema().names()
        return rows, SUBJECT_HASH if found else None

    def _passing(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path).filter(pl.col(OK)).drop(self.internal)


@dataclass(frozen=True)
class Declared:
    """Where a product is declared (a resource policy, or an index file) and the policies of
    the resources it draws on, in the order it draws on them."""

    path: Path
    sha256: str
    policies: Mapping[str, LoadedPolicy]
    beside: tuple[ProductBase, ...] = field(default=(), compare=False)
    """Products declared elsewhere (index files) that draw on the resource too: a release of
    it is judged with what they tell."""

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(self.policies)

    @property
    def policy(self) -> LoadedPolicy:
        """The one policy of a product that draws on a single resource."""
        (only,) = self.policies.values()
        return only


@dataclass(frozen=True)
class BuildContext:
    """What a build may use beyond the prepared rows: the domain's folders, the privacy budget
    ledger, keys by name (created, recorded and audited by the shell), and the release
    ledger of what every resource has already published."""

    paths: Paths
    ledger: BudgetLedger
    load_key: Callable[[str], bytes]
    releases: ReleaseLedger


@dataclass(frozen=True)
class Job(Generic[SpecT]):
    """One product to build: its spec, where it is declared, the prepared resources it draws
    on, and what the shell lends the build."""

    spec: SpecT
    declared: Declared
    sources: Mapping[str, Prepared]
    context: BuildContext

    @property
    def prepared(self) -> Prepared:
        """The prepared resource of a product that draws on one."""
        (prepared,) = self.sources.values()
        return prepared

    @property
    def policy(self) -> Policy:
        """The policy of the resource a single-resource product draws on."""
        return self.declared.policy.policy

    @property
    def inputs(self) -> list[dict[str, Any]]:
        """The input files read, resource by resource."""
        return [i for r in self.declared.resources for i in self.sources[r].inputs]
