"""Integer encoding of quasi-identifiers, so every lattice node is a few numpy operations on
the distinct QI combinations instead of a pass over all rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy, missing_values
from transforms.anonymize.sensitive import SensitiveCounts, count_sensitive, sensitive_codes

_KEY_LIMIT = 2**62
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

    @property
    def nested(self) -> bool:
        """True if each level is a function of the previous one, so classes can roll up."""
        for lower, upper in zip(self.lookup, self.lookup[1:], strict=False):
            pairs = np.unique(np.stack([lower, upper]), axis=1)
            if len(np.unique(pairs[0])) != pairs.shape[1]:
                return False
        return True


@dataclass(frozen=True)
class Encoded:
    """Distinct QI combinations (level-0 codes, one column per QI) and how many rows each has."""

    columns: list[str]
    encoded: list[EncodedColumn]
    codes: np.ndarray
    counts: np.ndarray
    rows: int
    #: Per-QI place values of a fixed mixed-radix key (level-0 sizes), or None when the key
    #: would overflow int64; with them a roll-up updates one digit instead of rebuilding keys.
    places: tuple[int, ...] | None = None
    #: Sensitive-value counts per distinct combination, for the columns the models judge.
    sensitive: Mapping[str, SensitiveCounts] = field(default_factory=dict)

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
    frame: pl.DataFrame, hierarchies: Mapping[str, Hierarchy], sensitive: Sequence[str] = ()
) -> Encoded:
    """Collapse the rows to distinct QI combinations with counts, as level-0 codes, with the
    counts of each ``sensitive`` column's values per combination."""
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
    table = frame.select(*exprs, *(expr for expr, _ in coded))
    distinct = table.group_by(columns).len()
    codes = (
        distinct.select(columns).to_numpy().astype(np.int64, copy=False).reshape(-1, len(columns))
    )
    counts = distinct["len"].to_numpy().astype(np.int64)
    counted: dict[str, SensitiveCounts] = {}
    if sensitive:
        combos = distinct.select(columns).with_row_index("_combo")
        for column, (_, values) in zip(sensitive, coded, strict=True):
            counted[column] = count_sensitive(table, columns, column, values, combos)
    return Encoded(columns, encoded, codes, counts, frame.height, _places(encoded), counted)


def _places(encoded: list[EncodedColumn]) -> tuple[int, ...] | None:
    places, place = [], 1
    for column in reversed(encoded):
        places.append(place)
        place *= column.sizes[0]
        if place >= _KEY_LIMIT:
            return None
    return tuple(reversed(places))


def node_keys(data: Encoded, node: Sequence[int], codes: np.ndarray | None = None) -> np.ndarray:
    """One int64 key per row of ``codes`` (default: the distinct combinations): equal keys mean
    the same class at this node."""
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
    fixed-radix key of class c, when ``Encoded.places`` is set; ``sensitive`` the
    sensitive-value counts per class."""

    sizes: np.ndarray
    members: np.ndarray
    keys: np.ndarray | None = None
    sensitive: Mapping[str, SensitiveCounts] = field(default_factory=dict)


def factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct keys, each key's position among them, and one row per distinct key.

    Like ``np.unique(keys, return_inverse=True)`` but, when key and row number fit in 63 bits
    together, one plain sort of the packed pair replaces the much slower indirect sort.

    >>> [a.tolist() for a in factorize(np.array([7, 3, 7, 5]))]
    [[3, 5, 7], [2, 0, 2, 1], [1, 3, 0]]
    """
    n = len(keys)
    shift = max((n - 1).bit_length(), 1)
    if n == 0 or keys.min() < 0 or int(keys.max()).bit_length() + shift > 62:
        unique, inverse = np.unique(keys, return_inverse=True)
        member = np.empty(len(unique), dtype=np.int64)
        member[inverse] = np.arange(n)
        return unique, inverse, member
    packed = np.sort((keys << shift) | np.arange(n, dtype=np.int64))
    rows = packed & ((1 << shift) - 1)
    ordered = packed >> shift
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    inverse = np.empty(n, dtype=np.int64)
    inverse[rows] = np.cumsum(starts) - 1
    return ordered[starts], inverse, rows[starts]


def _group(
    keys: np.ndarray,
    codes: np.ndarray,
    counts: np.ndarray,
    fixed: bool,
    sensitive: Mapping[str, SensitiveCounts],
) -> Classes:
    unique, inverse, member = factorize(keys)
    sizes = np.bincount(inverse, weights=counts).astype(np.int64)
    regrouped = {column: counted.regroup(inverse) for column, counted in sensitive.items()}
    return Classes(sizes, codes[member], unique if fixed else None, regrouped)


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
        return _group(node_keys(data, node, codes), codes, counts, False, sensitive)
    keys = np.zeros(len(codes), dtype=np.int64)
    for j, (column, level, place) in enumerate(zip(data.encoded, node, data.places, strict=True)):
        if column.sizes[level] > 1:
            keys += column.lookup[level][codes[:, j]] * place
    return _group(keys, codes, counts, True, sensitive)


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
    keys = np.zeros(len(codes), dtype=np.int64)
    for j, (column, level, place) in enumerate(zip(data.encoded, node, places, strict=True)):
        if column.sizes[level] > 1:
            keys += column.lookup[level][codes[:, j]] * place
    totals = np.bincount(keys, weights=counts, minlength=space)
    present = totals > 0
    regrouped = {}
    if sensitive:
        inverse = (np.cumsum(present) - 1)[keys]
        regrouped = {column: counted.regroup(inverse) for column, counted in sensitive.items()}
    member = np.empty(space, dtype=np.int64)
    member[keys] = np.arange(len(keys))
    members = codes[member[present]]
    return Classes(totals[present].astype(np.int64), members, None, regrouped)


def roll_up(data: Encoded, parent: Classes, node: Sequence[int], column: int) -> Classes:
    """Classes of ``node`` from those of its predecessor, which has ``column`` one level lower:
    valid when every hierarchy is nested (see ``Encoded.nested``), and much cheaper because
    there are fewer classes and only one digit of the key changes."""
    if parent.keys is None or data.places is None:
        return classes_of(data, node, parent.members, parent.sizes, parent.sensitive)
    lookup = data.encoded[column].lookup
    level = node[column]
    codes = parent.members[:, column]
    keys = parent.keys + (lookup[level][codes] - lookup[level - 1][codes]) * data.places[column]
    return _group(keys, parent.members, parent.sizes, True, parent.sensitive)
