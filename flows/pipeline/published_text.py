"""Free text is redacted only by a build that publishes it. Redaction (jieba over every text)
is the costliest treatment of all, so a redacted free-text column that no product of the build
draws on is dropped at de-identification instead. The choice is made each time the resource is
prepared, from the products of that build: a later build of a product that publishes the text
prepares the resource again and redacts it."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from flows.pipeline.plan import PlannedProduct
from governance.policy.load import LoadedPolicy
from governance.policy.treatments import Drop


def drawn_columns(resource: str, products: Iterable[PlannedProduct]) -> set[str]:
    """The columns of `resource` that any of `products` draws on (what its kind declares for
    the authorization: the columns it publishes or aggregates)."""
    return {
        column
        for p in products
        if resource in p.declared.resources
        for column in p.kind.use(p.spec, p.declared).columns.get(resource, [])
    }


def unread_text(loaded: LoadedPolicy, drawn: Collection[str]) -> list[str]:
    """The resource's redacted free-text columns that none of the build's products draws on."""
    columns = loaded.policy.columns
    return [n for n, c in columns.items() if c.treatment.operator == "redact" and n not in drawn]


def dropping(loaded: LoadedPolicy, columns: Collection[str]) -> LoadedPolicy:
    """The policy as the build applies it: `columns` dropped at de-identification."""
    if not columns:
        return loaded
    drop = Drop(operator="drop")
    treated = {
        name: column.model_copy(update={"treatment": drop}) if name in columns else column
        for name, column in loaded.policy.columns.items()
    }
    return replace(loaded, policy=loaded.policy.model_copy(update={"columns": treated}))
