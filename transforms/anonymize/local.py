"""Local recoding for k-anonymity: different equivalence classes may use different levels.

Full-domain generalisation applies one level per quasi-identifier to every record, so a few
sparse values force the whole column up. Local recoding starts from a full-domain solution
and refines each class on its own, top-down, so the result is never worse in discernibility
(DM) and k-anonymity still holds on the published rows:

1. the classes of the ``start`` node are the initial classes; those below k are set aside;
2. the set-aside records go to the top of every hierarchy; each class of k or more rows there
   is published instead of suppressed (each row costs its class size in DM instead of N);
3. every class is refined on its own, round by round: specialising one QI by one level splits
   it into pieces; pieces below k (topped up with the smallest others until they reach k) stay
   together at the class's levels as a *remainder* class; the split lowering DM most is taken,
   and a QI whose more specific value is shared by the whole class is specialised for free;
4. classes ending with identical generalised values are one class to an attacker, so the
   published classes are the groups of identical QI strings, and DM and k are taken on those.

Only k-anonymity is supported: l-diversity and t-closeness judge a class's sensitive values,
which a split can make fail, and are not handled here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.anonymize.encode import check_inputs
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.models import KAnonymity, PrivacyModel

_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class LocalRecoding:
    """Published rows and what local recoding did to them.

    ``frame`` keeps every column and the input's row order, minus suppressed rows; each QI holds
    its row's generalised value, which may come from different levels in different rows.
    ``levels_used`` counts, per QI, the published rows at each level."""

    frame: pl.DataFrame
    suppressed: int
    classes: int
    min_class: int
    mean_class: float
    dm: int
    levels_used: dict[str, dict[int, int]]


@dataclass(frozen=True)
class _Table:
    """Distinct QI combinations as level-0 codes: ``codes[c, j]``, ``counts[c]`` rows, and
    ``row_combo[i]`` the combination of input row i. Per QI, ``dense[j][level, code]`` is the
    code of the generalised value within its level and ``label[j][level, code]`` its index
    in ``labels[j]``, the distinct strings over all levels (so equal strings share an index)."""

    codes: np.ndarray
    counts: np.ndarray
    row_combo: np.ndarray
    dense: list[np.ndarray]
    label: list[np.ndarray]
    labels: list[list[str]]
    heights: np.ndarray


def recode_locally(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    k: int | PrivacyModel,
    start: Mapping[str, int],
    limit: int,
    *,
    remainder: bool = True,
    recover: bool = True,
) -> LocalRecoding:
    """Refine the full-domain node ``start`` (e.g. ``optimal_node(...).levels``) class by class.

    The result keeps k-anonymity, suppresses at most the rows ``start`` suppresses (so never
    more than ``limit``) and has a DM no higher than ``start``'s. ``remainder=False`` only
    accepts splits whose pieces all have k rows; ``recover=False`` leaves the rows ``start``
    suppresses suppressed.
    """
    k = _check_k(k)
    _check_settings(frame, hierarchies, start, limit)
    qis = list(hierarchies)
    table = _encode(frame, hierarchies)
    node_levels = np.array([start[c] for c in qis], dtype=np.int64)
    node = _ids(
        [
            d[lv, table.codes[:, j]]
            for j, (d, lv) in enumerate(zip(table.dense, node_levels, strict=True))
        ]
    )
    sizes = np.bincount(node, weights=table.counts).astype(np.int64)
    hidden = sizes[node] < k
    set_aside = int(table.counts[hidden].sum())
    if set_aside > limit:
        raise AnonymizationError(
            f"the start levels suppress {set_aside} rows with k={k}, more than the limit of "
            f"{limit}; start from a node the full-domain search found for the same k and limit"
        )
    baseline = _dm(sizes[sizes >= k], set_aside, frame.height)
    attempts = [(remainder, recover and set_aside >= k), (remainder, False), (None, False)]
    for split, recovered in dict.fromkeys(attempts):
        levels = np.tile(node_levels, (len(table.counts), 1))
        kept, classes = ~hidden, node.copy()
        if recovered:
            kept, classes = _recover(table, levels, node, hidden, k)
        if split is not None:
            _refine(table, levels, classes, kept, k, split)
        result = _publish(frame, qis, table, levels, kept, k)
        # classes refined apart can still read the same (a string reused across levels or
        # branches) and merge; if that costs more than the start, fall back step by step
        if result.dm <= baseline:
            return result
    raise AssertionError("the start node itself must meet its own DM")


def _recover(
    table: _Table, levels: np.ndarray, node: np.ndarray, hidden: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Move the set-aside rows to the top of every hierarchy (updating ``levels``); those in a
    top-level class of k rows or more are published, as new classes, the rest stay hidden."""
    levels[hidden] = table.heights
    top = _ids([d[-1, table.codes[hidden, j]] for j, d in enumerate(table.dense)])
    size = np.bincount(top, weights=table.counts[hidden])
    classes = node.copy()
    classes[hidden] = node.max() + 1 + top
    kept = ~hidden
    kept[hidden] = size[top] >= k
    return kept, classes


def _check_k(k: int | PrivacyModel) -> int:
    """Accept k or a KAnonymity model; other models need checks local recoding cannot keep."""
    if isinstance(k, KAnonymity):
        return k.k
    if isinstance(k, PrivacyModel):
        raise AnonymizationError(
            f"local recoding supports k-anonymity only, not {type(k).__name__}: l-diversity and "
            "t-closeness are not handled; use the full-domain search for them"
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise AnonymizationError(f"k must be an integer of at least 1, got {k!r}")
    return int(k)


def _check_settings(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    start: Mapping[str, int],
    limit: int,
) -> None:
    """Fail early, naming the setting to fix, before any work on the data."""
    if not hierarchies:
        raise AnonymizationError("no quasi-identifiers given: pass at least one hierarchy")
    if frame.height == 0:
        raise AnonymizationError("the data has no rows: there is nothing to anonymise")
    check_inputs(frame, hierarchies)
    unknown = [c for c in start if c not in hierarchies]
    if unknown:
        raise AnonymizationError(f"start level given for '{unknown[0]}', which has no hierarchy")
    for column, hierarchy in hierarchies.items():
        level = start.get(column)
        if isinstance(level, bool) or not isinstance(level, (int, np.integer)):
            raise AnonymizationError(f"start level for '{column}' is missing or not an integer")
        if not 0 <= level <= hierarchy.height:
            raise AnonymizationError(
                f"start level for '{column}' must be within 0..{hierarchy.height}, got {level}"
            )
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise AnonymizationError(
            f"suppression limit must be a row count >= 0, got {limit!r}; for a fraction of "
            "the rows use max_suppressed(fraction, rows)"
        )


def _encode(frame: pl.DataFrame, hierarchies: Mapping[str, Hierarchy]) -> _Table:
    """Level-0 codes per row, collapsed to distinct combinations, plus per-level lookups."""
    qis = list(hierarchies)
    coded = frame.select(
        [
            pl.col(c)
            .cast(pl.String)
            .replace_strict(h.values, list(range(len(h.values))), return_dtype=pl.Int64)
            for c, h in hierarchies.items()
        ]
    ).to_numpy()
    coded = coded.astype(np.int64, copy=False).reshape(frame.height, len(qis))
    sizes = [len(hierarchies[c].values) for c in qis]
    row_combo = _ids([coded[:, j] for j in range(len(qis))], sizes)
    first = np.full(int(row_combo.max()) + 1, -1, dtype=np.int64)
    first[row_combo[::-1]] = np.arange(frame.height - 1, -1, -1)
    dense, label, labels = [], [], []
    for c in qis:
        d, lab, names = _lookups(hierarchies[c])
        dense.append(d)
        label.append(lab)
        labels.append(names)
    return _Table(
        codes=coded[first],
        counts=np.bincount(row_combo).astype(np.int64),
        row_combo=row_combo,
        dense=dense,
        label=label,
        labels=labels,
        heights=np.array([hierarchies[c].height for c in qis], dtype=np.int64),
    )


def _lookups(hierarchy: Hierarchy) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per level and level-0 code: dense code within the level, and index of the string among
    all levels' strings (one index per distinct string, whatever its level)."""
    values = hierarchy.values
    names: dict[str, int] = {}
    dense, label = [], []
    for level in hierarchy.levels:
        within: dict[str, int] = {}
        dense.append([within.setdefault(level[v], len(within)) for v in values])
        label.append([names.setdefault(level[v], len(names)) for v in values])
    return np.array(dense, dtype=np.int64), np.array(label, dtype=np.int64), list(names)


def _ids(columns: list[np.ndarray], radices: list[int] | None = None) -> np.ndarray:
    """Dense ids of the rows of ``columns`` (equal tuples, equal id), via a mixed-radix key
    compressed whenever it would overflow."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    space = 1
    for j, column in enumerate(columns):
        radix = int(column.max()) + 1 if radices is None else radices[j]
        if space * radix >= _KEY_LIMIT:
            _, key = np.unique(key, return_inverse=True)
            space = int(key.max()) + 1 if len(key) else 1
        key = key * radix + column
        space *= radix
    _, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1)


def _dm(published: np.ndarray, suppressed: int, rows: int) -> int:
    """Discernibility: |class|^2 per published class, N per suppressed row.

    >>> _dm(np.array([3, 2]), 1, 6)
    19
    """
    return int((published.astype(np.int64) ** 2).sum()) + suppressed * rows


def _refine(
    table: _Table,
    levels: np.ndarray,
    node: np.ndarray,
    kept: np.ndarray,
    k: int,
    remainder: bool,
) -> None:
    """Split classes (``node`` ids over the combinations) round by round, updating ``levels``
    in place, until no class has a split that lowers DM or a free specialisation."""
    active = kept.copy()
    while active.any():
        idx = np.flatnonzero(active)
        nd = _ids([node[idx]])
        codes, counts, current = table.codes[idx], table.counts[idx], levels[idx]
        size = np.bincount(nd, weights=counts).astype(np.int64)
        best = size * size
        choice = np.full(len(size), -1, dtype=np.int64)
        free = np.full(len(size), -1, dtype=np.int64)
        splits = []
        for j in range(levels.shape[1]):
            split = _split_on(table, j, codes[:, j], counts, current[:, j], nd, k, remainder)
            splits.append(split)
            if split is None:
                continue
            dm, pieces, _, _, _ = split
            better = (pieces > 1) & (dm < best)
            best = np.where(better, dm, best)
            choice = np.where(better, j, choice)
            free = np.where((free < 0) & (pieces == 1), j, free)
        choice = np.where(choice >= 0, choice, free)
        active[idx[choice[nd] < 0]] = False
        tag = np.zeros(len(idx), dtype=np.int64)
        offset = 1
        for j, split in enumerate(splits):
            if split is None:
                continue
            _, _, where, piece, in_remainder = split
            take = choice[nd[where]] == j
            rows, moved = where[take], piece[take]
            lower = ~in_remainder[moved]
            current[rows[lower], j] -= 1
            tag[rows[lower]] = moved[lower] + offset
            offset += len(in_remainder)
        levels[idx] = current
        node[idx] = _ids([nd, tag])


def _split_on(
    table: _Table,
    j: int,
    codes: np.ndarray,
    counts: np.ndarray,
    level: np.ndarray,
    nd: np.ndarray,
    k: int,
    remainder: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Specialise QI ``j`` by one level in every class that can: per class (``nd`` over the
    combinations' ``codes``, ``counts`` and current ``level`` of j), the DM after the split
    (``size**2`` where it is not allowed) and its number of pieces; per combination position
    (``where``) its piece; per piece whether it joins the remainder. A piece whose more
    specific value reads the same as the class's (a group named after one of its members)
    would be the remainder's twin, so it joins the remainder."""
    where = np.flatnonzero(level > 0)
    if len(where) == 0:
        return None
    width = table.dense[j].shape[1]
    flat = (level[where] - 1) * width + codes[where]
    key = nd[where] * width + table.dense[j].ravel()[flat]
    unique, piece = np.unique(key, return_inverse=True)
    piece = piece.reshape(-1)
    weight = np.bincount(piece, weights=counts[where]).astype(np.int64)
    label = table.label[j].ravel()
    unchanged = np.zeros(len(unique), dtype=bool)
    unchanged[piece] = label[flat] == label[flat + width]
    dm, pieces, in_remainder = _score(
        unique // width, weight, int(nd.max()) + 1, k, remainder, unchanged
    )
    return dm, pieces, where, piece, in_remainder


def _score(
    owner: np.ndarray,
    weight: np.ndarray,
    nodes: int,
    k: int,
    remainder: bool,
    unchanged: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best split of each class into its pieces: pieces below k and ``unchanged`` ones, then
    the smallest others until they reach k, form the remainder; the rest are classes of their
    own. Without ``remainder`` every piece needs k rows.

    Returns per class the DM of the split (the unsplit ``size**2`` where no split is allowed)
    and the number of pieces, and per piece whether it joins the remainder.

    >>> one = np.zeros(3, dtype=np.int64)
    >>> dm, n, rest = _score(one, np.array([1, 4, 5]), 1, 3, True, np.zeros(3, dtype=bool))
    >>> int(dm[0]), int(n[0]), rest.tolist()
    (50, 3, [True, True, False])
    """
    if remainder:
        small_piece = (weight < k) | unchanged
        order = np.lexsort((weight, ~small_piece, owner))
    else:
        small_piece = weight < k
        order = np.lexsort((weight, owner))
    size, cls = weight[order], owner[order]
    count = np.bincount(cls, minlength=nodes)
    begin = np.cumsum(count) - count
    total = np.cumsum(size)
    squares = np.cumsum(size * size)
    before = (total - size)[begin[cls]]
    running = total - before
    running_sq = squares - (squares - size * size)[begin[cls]]
    small = np.bincount(cls, weights=small_piece[order], minlength=nodes).astype(np.int64)
    short = np.bincount(cls, weights=running < k, minlength=nodes).astype(np.int64)
    if remainder:
        joined = np.where(small > 0, np.maximum(small, short + 1), 0)
    else:
        joined = np.where(small > 0, count, 0)
    whole = np.bincount(cls, weights=size, minlength=nodes).astype(np.int64)
    allowed = (count > 0) & (joined < count)
    last = np.clip(begin + joined - 1, 0, max(len(size) - 1, 0))
    rest = np.where(joined > 0, running[last], 0)
    rest_sq = np.where(joined > 0, running_sq[last], 0)
    all_sq = np.bincount(cls, weights=size * size, minlength=nodes).astype(np.int64)
    dm = np.where(allowed, all_sq - rest_sq + rest * rest, whole * whole)
    pieces = np.where(allowed, count, 0)
    rank = np.arange(len(size)) - begin[cls]
    in_remainder = np.empty(len(size), dtype=bool)
    in_remainder[order] = rank < joined[cls]
    return dm, pieces, in_remainder


def _publish(
    frame: pl.DataFrame,
    qis: list[str],
    table: _Table,
    levels: np.ndarray,
    kept: np.ndarray,
    k: int,
) -> LocalRecoding:
    """Write each kept row's generalised strings; classes are groups of identical strings."""
    label = np.stack(
        [table.label[j][levels[:, j], table.codes[:, j]] for j in range(len(qis))], axis=1
    )
    published = np.flatnonzero(kept)
    group = _ids([label[published, j] for j in range(len(qis))], [len(n) for n in table.labels])
    sizes = np.bincount(group, weights=table.counts[published]).astype(np.int64)
    if len(sizes) and sizes.min() < k:
        raise AssertionError("local recoding produced a class below k")
    suppressed = int(table.counts[~kept].sum())
    row_kept = kept[table.row_combo]
    out = frame.with_columns(
        [
            pl.Series(qi, table.labels[j], dtype=pl.String).gather(label[table.row_combo, j])
            for j, qi in enumerate(qis)
        ]
    ).filter(pl.Series(row_kept))
    used = {
        qi: {
            int(lv): int(n)
            for lv, n in enumerate(
                np.bincount(levels[published, j], weights=table.counts[published])
            )
            if n > 0
        }
        for j, qi in enumerate(qis)
    }
    return LocalRecoding(
        frame=out,
        suppressed=suppressed,
        classes=len(sizes),
        min_class=int(sizes.min()) if len(sizes) else 0,
        mean_class=float(sizes.mean()) if len(sizes) else 0.0,
        dm=_dm(sizes, suppressed, frame.height),
        levels_used=used,
    )
