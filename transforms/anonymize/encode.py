"""Integer encoding of quasi-identifiers, so every lattice node is a few numpy operations on
the distinct QI combinations instead of a pass over all rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.grouping import group_rows, node_keys
from transforms.anonymize.hierarchy import Hierarchy, missing_values
from transforms.anonymize.sensitive import SensitiveCounts, count_sensitive, sensitive_codes

_KEY_LIMIT = 2**62
_KEY_BITS = 62
#: Largest key space counted densely, absolutely and per grouped row.
_DENSE_LIMIT = 1 << 24
_DENSE_FACTOR = 8


@dataclass(frozen=True)
class EncodedColumn:
    """One QI: ``lookup[level][code]`` is the generalised code of level-0 ``code``;
    ``loss[level][code]`` is Iyengar's loss of that generalisation, (leaves - 1) / (values - 1)."""

    hierarchy: Hierarchy
    lookup: list[np.ndarray]
    sizes: list[int]
    loss: list[np.ndarray]

    @cached_property
    def nested(self) -> bool:
        """True if each level is a function of the previous one, so classes can roll up."""
        for lower, upper in zip(self.lookup, self.lookup[1:], strict=False):
            pairs = np.unique(np.stack([lower, upper]), axis=1)
            if len(np.unique(pairs[0])) != pairs.shape[1]:
                return False
        return True

    @cached_property
    def up(self) -> list[np.ndarray]:
        """``up[level][code]``: the code at ``level`` of a code one level below (entry 0
        empty); meaningful for nested hierarchies only."""
        maps = [np.empty(0, dtype=np.int64)]
        for lower, upper in zip(self.lookup, self.lookup[1:], strict=False):
            step = np.zeros(max(int(lower.max()) + 1, 1), dtype=np.int64)
            step[lower] = upper
            maps.append(step)
        return maps


@dataclass(frozen=True)
class Encoded:
    """Distinct QI combinations (level-0 codes, one column per QI) and how many rows each has."""

    columns: list[str]
    encoded: list[EncodedColumn]
    codes: np.ndarray
    counts: np.ndarray
    rows: int
    #: Per-QI place values (powers of two) of a fixed bit-packed key, each QI's field wide
    #: enough for its level-0 codes, or None when the key would overflow int64; with them a
    #: roll-up rewrites one field of each key instead of rebuilding keys.
    places: tuple[int, ...] | None = None
    #: Sensitive-value counts per distinct combination, for the columns the models judge.
    sensitive: Mapping[str, SensitiveCounts] = field(default_factory=dict)

    @cached_property
    def by_qi(self) -> np.ndarray:
        """``codes`` stored one row per QI, the layout the compiled key builder reads fastest."""
        return np.ascontiguousarray(self.codes.T)

    @cached_property
    def tables(self) -> np.ndarray:
        """``tables[j, level, code]``: QI j's level-0 ``code`` generalised to ``level``, padded
        with zeros, for the compiled key builder."""
        width = max(column.sizes[0] for column in self.encoded)
        depth = max(len(column.lookup) for column in self.encoded)
        tables = np.zeros((len(self.encoded), depth, width), dtype=np.int64)
        for j, column in enumerate(self.encoded):
            for level, lookup in enumerate(column.lookup):
                tables[j, level, : len(lookup)] = lookup
        return tables

    @property
    def heights(self) -> tuple[int, ...]:
        """Top level per QI: the lattice is the product of range(height + 1)."""
        return tuple(column.hierarchy.height for column in self.encoded)

    @property
    def nested(self) -> bool:
        """True if classes of a node can be computed from those of any more specific node."""
        return all(column.nested for column in self.encoded)


def encode_hierarchy(hierarchy: Hierarchy) -> EncodedColumn:
    """Code every level's values densely (first-seen order) and map level-0 codes to them."""
    lookup, sizes = [], []
    for level in hierarchy.levels:
        ids: dict[str, int] = {}
        lookup.append(
            np.fromiter(
                (ids.setdefault(level[v], len(ids)) for v in hierarchy.values),
                dtype=np.int64,
                count=len(level),
            )
        )
        sizes.append(len(ids))
    spread = max(len(hierarchy.values) - 1, 1)
    loss = [(np.bincount(codes)[codes] - 1) / spread for codes in lookup]
    return EncodedColumn(hierarchy, lookup, sizes, loss)


def check_inputs(frame: pl.DataFrame, hierarchies: Mapping[str, Hierarchy]) -> None:
    """Fail with an actionable message on unknown columns or values without a hierarchy row."""
    for column, hierarchy in hierarchies.items():
        if column not in frame.columns:
            raise AnonymizationError(
                f"quasi-identifier '{column}' is not a column of the data "
                f"(columns: {', '.join(frame.columns)})"
            )
        missing = missing_values(hierarchy, frame[column].unique().to_list())
        if missing:
            shown = ", ".join(f"'{v}'" for v in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            noun = "value" if len(missing) == 1 else "values"
            raise AnonymizationError(
                f"hierarchy for '{column}' has no entry for {noun} {shown}{more}; add a row for it"
            )


def encode(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    sensitive: Sequence[str] = (),
    weight: str | None = None,
) -> Encoded:
    """Collapse the rows to distinct QI combinations with counts, as level-0 codes, with the
    counts of each ``sensitive`` column's values per combination. With ``weight``, ``frame``
    is a table of class counts (each row counting that many rows, see `class_counts`), such as
    partitions of the rows give and add up."""
    check_inputs(frame, hierarchies)
    columns = list(hierarchies)
    clash = [c for c in sensitive if c in hierarchies]
    if clash:
        raise AnonymizationError(
            f"'{clash[0]}' cannot be both a quasi-identifier and a sensitive attribute"
        )
    encoded = [encode_hierarchy(hierarchies[c]) for c in columns]
    exprs = [
        pl.col(c)
        .cast(pl.String)
        .replace_strict(
            hierarchies[c].values, list(range(len(hierarchies[c].values))), return_dtype=pl.Int64
        )
        for c in columns
    ]
    coded = [sensitive_codes(frame, c) for c in sensitive]
    table = frame.select(*exprs, *(expr for expr, _ in coded), *([weight] if weight else []))
    grouped = table.group_by(columns)
    distinct = grouped.agg(pl.col(weight).sum().alias("len")) if weight else grouped.len()
    rows = int(frame[weight].sum()) if weight else frame.height
    codes = np.ascontiguousarray(
        distinct.select(columns).to_numpy().astype(np.int64, copy=False).reshape(-1, len(columns))
    )
    counts = distinct["len"].to_numpy().astype(np.int64)
    counted: dict[str, SensitiveCounts] = {}
    if sensitive:
        combos = distinct.select(columns).with_row_index("_combo")
        for column, (_, values) in zip(sensitive, coded, strict=True):
            counted[column] = count_sensitive(table, columns, column, values, combos, weight)
    return Encoded(columns, encoded, codes, counts, rows, _places(encoded), counted)


ROWS = "__rows"


def class_counts(frame: pl.LazyFrame, columns: Sequence[str]) -> pl.DataFrame:
    """How many rows have each combination of ``columns`` (quasi-identifiers and sensitive
    attributes) in ``ROWS``: what `encode` needs of the rows, and what partitions of them add
    up to (`merge_class_counts`).

    >>> lf = pl.LazyFrame({"q": ["a", "a", "b"], "s": [1, 1, None]})
    >>> class_counts(lf, ["q", "s"]).sort("q").rows()
    [('a', 1, 2), ('b', None, 1)]
    """
    keys = list(dict.fromkeys(columns))
    return frame.group_by(keys).agg(pl.len().cast(pl.Int64).alias(ROWS)).collect()


def merge_class_counts(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """The class counts of all the partitions' rows, from each partition's."""
    table = pl.concat(parts)
    keys = [c for c in table.columns if c != ROWS]
    return table.group_by(keys).agg(pl.col(ROWS).sum())


def _places(encoded: list[EncodedColumn]) -> tuple[int, ...] | None:
    places, offset = [], 0
    for column in reversed(encoded):
        places.append(1 << offset)
        offset += _width(column)
        if offset > _KEY_BITS:
            return None
    return tuple(reversed(places))


def _width(column: EncodedColumn) -> int:
    """Bits of a QI's field in the packed key."""
    return max((column.sizes[0] - 1).bit_length(), 1)


def radix_keys(data: Encoded, node: Sequence[int], codes: np.ndarray | None = None) -> np.ndarray:
    """One int64 key per row of ``codes`` (default: the distinct combinations): equal keys mean
    the same class at this node; for tables too wide for a packed key (``Encoded.places``)."""
    codes = data.codes if codes is None else codes
    key = np.zeros(len(codes), dtype=np.int64)
    radix = 1
    for j, (column, level) in enumerate(zip(data.encoded, node, strict=True)):
        size = column.sizes[level]
        if size == 1:
            continue
        if radix * size >= _KEY_LIMIT:
            _, key = np.unique(key, return_inverse=True)
            radix = int(key.max()) + 1
        key = key * size + column.lookup[level][codes[:, j]]
        radix *= size
    return key


@dataclass(frozen=True)
class Classes:
    """Equivalence classes of one node: ``sizes[c]`` rows in class c; ``members[c]`` the level-0
    codes of one row of class c (enough to know its generalised values); ``keys[c]`` the
    packed key of class c, when ``Encoded.places`` is set; ``sensitive`` the sensitive-value
    counts per class.

    ``members`` is ``base`` itself, or when ``rows`` is set ``base[rows]``, formed only when
    read: the search rolls classes up through thousands of nodes from their keys alone, so
    each class carries a row number instead of a copied row.
    """

    sizes: np.ndarray
    base: np.ndarray
    keys: np.ndarray | None = None
    sensitive: Mapping[str, SensitiveCounts] = field(default_factory=dict)
    rows: np.ndarray | None = None

    @cached_property
    def members(self) -> np.ndarray:
        """Level-0 codes of one row per class."""
        return self.base if self.rows is None else self.base[self.rows]

    def members_of(self, classes: np.ndarray) -> np.ndarray:
        """``members[classes]`` without forming every class's row."""
        return self.base[classes if self.rows is None else self.rows[classes]]


def _group(
    keys: np.ndarray,
    base: np.ndarray,
    rows: np.ndarray | None,
    counts: np.ndarray,
    fixed: bool,
    sensitive: Mapping[str, SensitiveCounts],
    roll: tuple[int, int, np.ndarray] | None = None,
) -> Classes:
    """Classes of the elements ``keys`` groups (after ``roll``, see ``group_rows``), element
    i standing for row ``rows[i]`` of ``base`` (row i when ``rows`` is None) with
    ``counts[i]`` rows."""
    inverse, sizes, unique, first = group_rows(keys, counts, rows, bool(sensitive), roll)
    regrouped = {column: counted.regroup(inverse) for column, counted in sensitive.items()}
    return Classes(sizes, base, unique if fixed else None, regrouped, first)


def classes_of(
    data: Encoded,
    node: Sequence[int],
    codes: np.ndarray | None = None,
    counts: np.ndarray | None = None,
    sensitive: Mapping[str, SensitiveCounts] | None = None,
) -> Classes:
    """Group rows of ``codes`` weighted by ``counts`` and carrying ``sensitive`` counts
    (default: the distinct combinations) into the node's classes."""
    if codes is None:
        codes, counts, sensitive = data.codes, data.counts, data.sensitive
    counts = data.counts if counts is None else counts
    sensitive = {} if sensitive is None else sensitive
    dense = _dense_places(data, node, len(codes))
    if dense is not None:
        return _group_dense(data, node, codes, counts, sensitive, *dense)
    if data.places is None:
        return _group(radix_keys(data, node, codes), codes, None, counts, False, sensitive)
    keys = node_keys(_by_qi(data, codes), data.tables, node, data.places, sizes=_sizes(data, node))
    return _group(keys, codes, None, counts, True, sensitive)


def _dense_places(data: Encoded, node: Sequence[int], rows: int) -> tuple[list[int], int] | None:
    """Place values of a key over the node's own value counts, when that key space is small
    enough to count classes with a bincount (no sort): at most a few times the rows."""
    places, space = [], 1
    for column, level in zip(reversed(data.encoded), reversed(node), strict=True):
        places.append(space)
        space *= column.sizes[level]
        if space > _DENSE_LIMIT or space > _DENSE_FACTOR * rows + 1024:
            return None
    return list(reversed(places)), space


def _group_dense(
    data: Encoded,
    node: Sequence[int],
    codes: np.ndarray,
    counts: np.ndarray,
    sensitive: Mapping[str, SensitiveCounts],
    places: list[int],
    space: int,
) -> Classes:
    sizes = _sizes(data, node)
    by_qi = _by_qi(data, codes)
    keys = node_keys(by_qi, data.tables, node, places, sizes=sizes)
    totals = np.bincount(keys, weights=counts, minlength=space)
    present = totals > 0
    regrouped = {}
    if sensitive:
        inverse = (np.cumsum(present) - 1)[keys]
        regrouped = {column: counted.regroup(inverse) for column, counted in sensitive.items()}
    member = np.empty(space, dtype=np.int64)
    member[keys] = np.arange(len(keys))
    rows = member[present]
    packed = None
    if data.places is not None:
        packed = node_keys(by_qi, data.tables, node, data.places, rows, sizes)
    return Classes(totals[present].astype(np.int64), codes, packed, regrouped, rows)


def _by_qi(data: Encoded, codes: np.ndarray) -> np.ndarray:
    return data.by_qi if codes is data.codes else np.ascontiguousarray(codes.T)


def _sizes(data: Encoded, node: Sequence[int]) -> list[int]:
    """Values of each QI at the node's level."""
    return [column.sizes[level] for column, level in zip(data.encoded, node, strict=True)]


def roll_up(data: Encoded, parent: Classes, node: Sequence[int], column: int) -> Classes:
    """Classes of ``node`` from those of its predecessor, which has ``column`` one level lower:
    valid when every hierarchy is nested (see ``Encoded.nested``), and much cheaper because
    there are fewer classes and only one field of each packed key changes."""
    if parent.keys is None or data.places is None:
        return classes_of(data, node, parent.members, parent.sizes, parent.sensitive)
    encoded = data.encoded[column]
    roll = (data.places[column].bit_length() - 1, _width(encoded), encoded.up[node[column]])
    return _group(parent.keys, parent.base, parent.rows, parent.sizes, True, parent.sensitive, roll)
