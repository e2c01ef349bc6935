"""Reading policy files: parse, validate, cross-check, and report every problem with its line."""

from __future__ import annotations

import difflib
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from governance.errors import GovernanceError, PolicyError, PolicyErrors
from governance.policy.checks import cross_check
from governance.policy.models import Policy
from governance.policy.yaml_lines import KeyPath, YamlShapeError, line_of, load_with_lines

POLICY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy together with where it came from, for hashing and error messages."""

    path: Path
    policy: Policy
    sha256: str
    lines: dict[KeyPath, int] = field(repr=False)

    def error(self, message: str, *key: str | int) -> PolicyError:
        """A PolicyError pointing at the line of `key` (or its nearest written parent)."""
        line, _ = line_of(self.lines, key)
        return PolicyError(self.path, message, line=line, key=_dotted(key))


def load_policy(path: Path | str, model: type[Policy]) -> LoadedPolicy:
    """Load one policy file with `model`, the policy document whose products the registered
    product kinds validate; raises PolicyErrors listing every problem found."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(path, "file not found") from None
    except OSError as exc:
        raise PolicyError(path, f"cannot read file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError(path, "policy files must be UTF-8", line=line) from None
    data, lines = _parse(path, text)
    try:
        policy = model.model_validate(data)
    except ValidationError as exc:
        raise PolicyErrors([_from_pydantic(path, lines, e, model) for e in exc.errors()]) from None
    loaded = LoadedPolicy(path, policy, hashlib.sha256(raw).hexdigest(), lines)
    problems = [loaded.error(message, *key) for key, message in cross_check(policy, path.parent)]
    if problems:
        raise PolicyErrors(problems)
    return loaded


def load_policies(target: Path | str, model: type[Policy]) -> list[LoadedPolicy]:
    """Load a policy file, or every policy file in a folder, with `model` (see load_policy);
    ids must be unique across them."""
    target = Path(target)
    if target.is_dir():
        paths = sorted(p for p in target.iterdir() if p.suffix in POLICY_SUFFIXES)
        if not paths:
            raise GovernanceError(f"{target}: no policy files (*.yaml) in this folder")
    else:
        paths = [target]
    loaded: list[LoadedPolicy] = []
    errors: list[PolicyError] = []
    for path in paths:
        try:
            loaded.append(load_policy(path, model))
        except PolicyErrors as exc:
            errors.extend(exc.errors)
        except PolicyError as exc:
            errors.append(exc)
    errors.extend(_clashes(loaded))
    if errors:
        raise PolicyErrors(errors)
    return loaded


def _parse(
    path: Path,
    text: str,
    shape: str = "a policy is a YAML mapping starting with 'sluice: 1'",
) -> tuple[Any, dict[KeyPath, int]]:
    try:
        data, lines = load_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyError(path, f"not valid YAML: {exc.problem}", line=line) from None
    except YamlShapeError as exc:
        raise PolicyError(path, str(exc), line=exc.line) from None
    if not isinstance(data, dict):
        raise PolicyError(path, shape, line=1)
    return data, lines


def _clashes(loaded: list[LoadedPolicy]) -> list[PolicyError]:
    """Resource and product ids name folders and registry rows, so they must be unique."""
    errors: list[PolicyError] = []
    resources: dict[str, LoadedPolicy] = {}
    products: dict[str, LoadedPolicy] = {}
    for lp in loaded:
        rid = lp.policy.resource.id
        if rid in resources:
            other = resources[rid].path
            errors.append(
                lp.error(f"resource id '{rid}' is also used by {other}", "resource", "id")
            )
        resources.setdefault(rid, lp)
        for i, product in enumerate(lp.policy.products):
            if product.id in products and products[product.id] is not lp:
                other = products[product.id].path
                msg = f"product id '{product.id}' is also used by {other}"
                errors.append(lp.error(msg, "products", i, "id"))
            products.setdefault(product.id, lp)
    return errors


def _from_pydantic(
    path: Path, lines: dict[KeyPath, int], err: Any, model: type[BaseModel] = Policy
) -> PolicyError:
    loc = tuple(err["loc"])
    line, found = line_of(lines, loc)
    kind = err["type"]
    got = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        message = f"unknown key '{key}'{_suggest(str(key), model)}"
        return PolicyError(path, message, line=lines.get(loc, line), key=_dotted(loc[:-1]) or None)
    if kind == "missing":
        return PolicyError(path, f"missing required key '{loc[-1]}'", line=line, key=_dotted(found))
    if kind == "unknown_kind":
        ctx = err["ctx"]
        named = got.get(ctx["discriminator"]) if isinstance(got, dict) else None
        if named is None:
            message = f"missing key {ctx['discriminator']}"
            return PolicyError(path, message, line=line, key=_dotted(found))
        message = f"unknown {ctx['discriminator']} '{named}'; expected one of: {ctx['expected']}"
        close = difflib.get_close_matches(str(named), ctx["expected"].split(", "), n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        key = (*found, ctx["discriminator"])
        return PolicyError(path, message, line=lines.get(key, line), key=_dotted(found))
    if kind == "union_tag_invalid":
        ctx = err["ctx"]
        expected = ctx["expected_tags"].replace("'", "")
        name = ctx["discriminator"].strip("'")
        message = f"unknown {name} '{ctx['tag']}'; expected one of: {expected}"
        close = difflib.get_close_matches(ctx["tag"], expected.split(", "), n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        return PolicyError(path, message, line=line, key=_dotted(found))
    if kind == "union_tag_not_found":
        message = f"missing key {err['ctx']['discriminator']}"
        return PolicyError(path, message, line=line, key=_dotted(found))
    message = err["msg"].replace("Value error, ", "")
    if kind not in ("value_error", "assertion_error") and not isinstance(got, dict | list):
        message += f" (got {got!r})"
    return PolicyError(path, message, line=line, key=_dotted(found))


def _suggest(key: str, model: type[BaseModel]) -> str:
    close = difflib.get_close_matches(key, _known_keys(model), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@functools.cache
def _known_keys(model: type[BaseModel]) -> list[str]:
    keys: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.get("properties", {}).items():
                keys.add(name)
                collect(value)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(model.model_json_schema(by_alias=True))
    return sorted(keys)


def _dotted(key: tuple[Any, ...]) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
