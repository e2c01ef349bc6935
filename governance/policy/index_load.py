"""Reading index files (`<policies>/indices/*.yaml`): products that draw on several resources,
declared beside the resource policies because no one department's policy owns them. Each is
checked against the policies of the resources it draws on."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from governance.errors import PolicyError, PolicyErrors
from governance.policy.base import StrictModel
from governance.policy.load import POLICY_SUFFIXES, LoadedPolicy, _dotted, _from_pydantic, _parse
from governance.policy.product import ProductBase
from governance.policy.yaml_lines import KeyPath, line_of
from governance.release_matrix.judging import judge, outflow

INDEX_FOLDER = "indices"


class IndexFile(StrictModel):
    """An index file: `sluice: 1` and one or more indices."""

    # The product kinds the shell registers validate the indices: load index files with the
    # model `with_items(IndexFile, "indices", <the kinds' union>)` returns.
    sluice: Literal[1] = Field(description="Policy format version.")
    indices: list[ProductBase] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedIndex:
    """A validated index with its file, for hashing and error messages."""

    path: Path
    index: ProductBase
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


def load_indices(
    paths: Sequence[Path], policies: Sequence[LoadedPolicy], model: type[IndexFile]
) -> list[LoadedIndex]:
    """Load index files with `model` and check them against the loaded resource policies;
    raises PolicyErrors listing every problem of every file."""
    by_resource = {lp.policy.resource.id: lp.policy for lp in policies}
    product_ids = {p.id for lp in policies for p in lp.policy.products}
    loaded: list[LoadedIndex] = []
    errors: list[PolicyError] = []
    for path in paths:
        raw = path.read_bytes()
        try:
            data, lines = _parse(path, raw.decode("utf-8-sig"))
            document = model.model_validate(data)
        except PolicyError as exc:
            errors.append(exc)
            continue
        except UnicodeDecodeError:
            errors.append(PolicyError(path, "index files must be UTF-8"))
            continue
        except ValidationError as exc:
            errors.extend(_from_pydantic(path, lines, e, model) for e in exc.errors())
            continue
        sha = hashlib.sha256(raw).hexdigest()
        for i, index in enumerate(document.indices):
            problems = list(index.problems_across(by_resource))
            problems += [(b.key, b.message) for b in judge(outflow(index, by_resource, ""))]
            for key, message in problems:
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
