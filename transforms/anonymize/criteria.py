"""Privacy models by the names policies and the CLI use: k, a release environment, the
l-diversity variants, t-closeness."""

from __future__ import annotations

from collections.abc import Sequence

from transforms.anonymize.closeness import TCloseness
from transforms.anonymize.diversity import (
    DistinctLDiversity,
    EntropyLDiversity,
    RecursiveCLDiversity,
)
from transforms.anonymize.environment import ReleaseEnvironment
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.models import KAnonymity, PrivacyModel


def environment_model(environment: str) -> ReleaseEnvironment:
    """The model of a release environment by its name in policies and the CLI.

    >>> environment_model("controlled").k
    5
    """
    return ReleaseEnvironment(environment=environment)


def diversity_model(column: str, kind: str, l: float, c: float | None = None) -> PrivacyModel:  # noqa: E741
    """The l-diversity model of one sensitive column by its name in policies and the CLI."""
    if kind == "entropy":
        return EntropyLDiversity(column, l)
    if not float(l).is_integer():
        raise AnonymizationError(f"{kind} l-diversity needs a whole number l (got {l:g})")
    if kind == "recursive":
        if c is None:
            raise AnonymizationError("recursive l-diversity needs 'c' (e.g. c: 3)")
        return RecursiveCLDiversity(column, c, int(l))
    if kind != "distinct":
        raise AnonymizationError(f"unknown l-diversity kind '{kind}': distinct, entropy, recursive")
    return DistinctLDiversity(column, int(l))


def privacy_models(
    k: int | None = None,
    environment: str | None = None,
    diversity: Sequence[tuple[str, str, float, float | None]] = (),
    closeness: Sequence[tuple[str, float, bool]] = (),
) -> list[PrivacyModel]:
    """Models from settings: k, a release environment, (column, kind, l, c) diversities and
    (column, t, ordered) closenesses, in that order."""
    models: list[PrivacyModel] = []
    if k is not None:
        models.append(KAnonymity(k))
    if environment is not None:
        models.append(environment_model(environment))
    models += [diversity_model(*d) for d in diversity]
    models += [TCloseness(column, t, ordered) for column, t, ordered in closeness]
    return models
