"""Reading index files (`<policies>/indices/*.yaml`) and checking every indicator against the
policy of the resource it draws on: the columns must survive that policy's de-identification
in a form the index can use."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from governance.errors import PolicyError, PolicyErrors
from governance.policy.base import NUMERIC_TYPES
from governance.policy.index import IndexFile, IndexProduct, Indicator
from governance.policy.load import POLICY_SUFFIXES, LoadedPolicy, _dotted, _from_pydantic, _parse
from governance.policy.models import Policy
from governance.policy.treatments import Generalize, Treatment
from governance.policy.yaml_lines import KeyPath, line_of

INDEX_FOLDER = "indices"
LEVELS = {"district": 3, "city": 2, "province": 1}
BLOCKED = ("direct_identifier", "free_text")


@dataclass(frozen=True)
class LoadedIndex:
    """A validated index with its file, for hashing and error messages."""

    path: Path
    index: IndexProduct
    sha256: str
    position: int
    lines: dict[KeyPath, int] = field(repr=False)


def index_files(policies: Path) -> list[Path]:
    """Index files of a policy folder (its `indices/` subfolder); a single policy file has
    none, since an index needs the policies of all the resources it draws on."""
    folder = Path(policies) / INDEX_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in POLICY_SUFFIXES)


def load_indices(paths: Sequence[Path], policies: Sequence[LoadedPolicy]) -> list[LoadedIndex]:
    """Load index files and check them against the loaded resource policies; raises
    PolicyErrors listing every problem of every file."""
    by_resource = {lp.policy.resource.id: lp.policy for lp in policies}
    product_ids = {p.id for lp in policies for p in lp.policy.products}
    loaded: list[LoadedIndex] = []
    errors: list[PolicyError] = []
    for path in paths:
        raw = path.read_bytes()
        try:
            data, lines = _parse(path, raw.decode("utf-8-sig"))
            document = IndexFile.model_validate(data)
        except PolicyError as exc:
            errors.append(exc)
            continue
        except UnicodeDecodeError:
            errors.append(PolicyError(path, "index files must be UTF-8"))
            continue
        except ValidationError as exc:
            errors.extend(_from_pydantic(path, lines, e, IndexFile) for e in exc.errors())
            continue
        sha = hashlib.sha256(raw).hexdigest()
        for i, index in enumerate(document.indices):
            for key, message in index_problems(index, by_resource):
                line, found = line_of(lines, ("indices", i, *key))
                errors.append(PolicyError(path, message, line=line, key=_dotted(found)))
            if index.id in product_ids:
                line, _ = line_of(lines, ("indices", i, "id"))
                errors.append(
                    PolicyError(path, f"product id '{index.id}' is already used", line=line)
                )
            product_ids.add(index.id)
            loaded.append(LoadedIndex(path, index, sha, i, lines))
    if errors:
        raise PolicyErrors(errors)
    return loaded


def index_problems(
    index: IndexProduct, policies: dict[str, Policy]
) -> Iterator[tuple[KeyPath, str]]:
    """Every indicator's references checked against its resource's policy."""
    for j, indicator in enumerate(index.indicators):
        where: KeyPath = ("indicators", j)
        policy = policies.get(indicator.resource)
        if policy is None:
            known = ", ".join(sorted(policies)) or "none"
            yield (
                (*where, "resource"),
                f"no policy declares resource '{indicator.resource}' (known: {known})",
            )
            continue
        yield from _indicator(index, indicator, policy, where)


def _indicator(
    index: IndexProduct, ind: Indicator, policy: Policy, where: KeyPath
) -> Iterator[tuple[KeyPath, str]]:
    if ind.aggregate == "count_subjects" and policy.resource.subject is None:
        yield (
            (*where, "aggregate"),
            f"'count_subjects' needs resource '{ind.resource}' to declare its subject",
        )
    used = [("region", ind.region), ("period", ind.period)]
    used += [("column", ind.column)] if ind.column else []
    used += [("where", name) for name in ind.where or {}]
    for key, name in used:
        column = policy.columns.get(name)
        if column is None:
            yield (*where, key), f"'{name}' is not a column of resource '{ind.resource}'"
            continue
        out = column.treatment.output_type(column.type)
        if column.secret:
            yield (*where, key), f"'{name}' is secret; no product may use it"
        elif out is None:
            yield (*where, key), f"'{name}' is dropped by the policy of '{ind.resource}'"
        elif column.category in BLOCKED:
            yield (*where, key), f"'{name}' is a {column.category.replace('_', ' ')}"
        elif key == "column" and out not in NUMERIC_TYPES:
            yield (*where, key), f"'{ind.aggregate}' needs a numeric column; '{name}' is {out}"
        elif key == "region":
            yield from _region(index, name, column.treatment, where)
        elif key == "period":
            yield from _period(index, name, column.treatment, out, where)


def _region(
    index: IndexProduct, name: str, treatment: Treatment, where: KeyPath
) -> Iterator[tuple[KeyPath, str]]:
    if not isinstance(treatment, Generalize) or treatment.to not in LEVELS:
        return
    if LEVELS[treatment.to] < LEVELS[index.region.level]:
        yield (
            (*where, "region"),
            f"'{name}' is generalised to {treatment.to} by its policy; the index needs "
            f"{index.region.level} (choose region level {treatment.to} or coarser)",
        )


def _period(
    index: IndexProduct, name: str, treatment: Treatment, out: str, where: KeyPath
) -> Iterator[tuple[KeyPath, str]]:
    grain = index.period.grain
    coarse = isinstance(treatment, Generalize) and treatment.to in ("year", "quarter")
    if grain == "month" and (out == "integer" or coarse):
        yield (*where, "period"), f"'{name}' holds years after de-identification, not months"
    elif out not in ("date", "datetime", "integer", "string"):
        yield (*where, "period"), f"'{name}' ({out}) cannot give a {grain}"
