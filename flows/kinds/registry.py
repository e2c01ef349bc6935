"""The registry of product kinds, and the documents (policies, index files, authorizations)
whose products it decides. Adding a kind is one module and one line in `KINDS` below."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Tag

from flows.kinds.base import ProductKind
from flows.kinds.index import IndexKind
from flows.kinds.microdata import MicrodataKind
from flows.kinds.model import ModelKind
from flows.kinds.private_model import PrivateModelKind
from flows.kinds.verification import VerificationKind
from governance.authorization.load import LoadedAuthorization, load_authorization
from governance.authorization.models import Authorization, authorization_model
from governance.policy.index_load import IndexFile, LoadedIndex, index_files, load_indices
from governance.policy.load import LoadedPolicy, load_policies, load_policy
from governance.policy.models import Policy, with_items
from governance.policy.product import ProductBase
from governance.policy.schema import json_schema_text

AnyKind = ProductKind[Any, Any]


class KindRegistry:
    """Product kinds by name; the shell looks a product's kind up here and never asks which
    kind a product is."""

    def __init__(self, kinds: Sequence[AnyKind]):
        self._kinds: dict[str, AnyKind] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: AnyKind) -> None:
        """Add a kind; its name and its spec must be new."""
        if kind.name in self._kinds:
            raise ValueError(f"a product kind named '{kind.name}' is already registered")
        if any(k.spec is kind.spec for k in self):
            raise ValueError(f"the spec {kind.spec.__name__} already belongs to a kind")
        self._kinds[kind.name] = kind

    def unregister(self, name: str) -> None:
        """Remove a kind by name."""
        del self._kinds[name]

    def __iter__(self) -> Iterator[AnyKind]:
        return iter(self._kinds.values())

    def of(self, spec: ProductBase) -> AnyKind:
        """The kind a validated product spec belongs to."""
        for kind in self:
            if type(spec) is kind.spec:
                return kind
        raise LookupError(f"no registered kind has the spec {type(spec).__name__}")

    def policy_kinds(self) -> list[str]:
        """The `kind:` values policies and authorizations may name."""
        return list(dict.fromkeys(k.policy_kind for k in self))

    # the documents whose products the kinds decide

    def policy_model(self) -> type[Policy]:
        declared = tuple(k for k in self if not k.in_index_files)
        return _document(Policy, "products", declared)

    def index_model(self) -> type[IndexFile]:
        declared = tuple(k for k in self if k.in_index_files)
        return _document(IndexFile, "indices", declared)

    def authorization_model(self) -> type[Authorization]:
        return _authorization(tuple(self.policy_kinds()))

    def schema_text(self, document: Literal["policy", "index", "authorization"]) -> str:
        """The JSON Schema of a document format, with the products these kinds admit."""
        models = {
            "policy": (self.policy_model(), "Sluice policy"),
            "index": (self.index_model(), "Sluice evaluation index"),
            "authorization": (self.authorization_model(), "Sluice authorization"),
        }
        model, title = models[document]
        return json_schema_text(model, document, title)

    def load_policy(self, path: Path | str) -> LoadedPolicy:
        return load_policy(path, self.policy_model())

    def load_policies(self, target: Path | str) -> list[LoadedPolicy]:
        return load_policies(target, self.policy_model())

    def load_indices(self, target: Path, policies: Sequence[LoadedPolicy]) -> list[LoadedIndex]:
        """The index files beside `target` (a policy folder), checked against its policies."""
        return load_indices(index_files(target), policies, self.index_model())

    def load_authorization(self, path: Path | str) -> LoadedAuthorization:
        return load_authorization(path, self.authorization_model())


@cache
def _document(document: Any, field: str, kinds: tuple[AnyKind, ...]) -> Any:
    """`document` with its products validated as one of the kinds' specs: the `kind:` value
    picks the kinds, and kinds sharing a value pick by `selects`."""

    def tag(value: Mapping[str, Any] | ProductBase) -> str | None:
        written = value.get("kind") if isinstance(value, Mapping) else getattr(value, "kind", None)
        for kind in kinds:
            default = kind.spec.model_fields["kind"].default
            if kind.policy_kind == (written or default) and kind.selects(value):
                return kind.name
        return None

    if len(kinds) == 1:
        return with_items(document, field, kinds[0].spec)
    expected = ", ".join(dict.fromkeys(k.policy_kind for k in kinds))
    union = Annotated[
        Union[tuple(Annotated[k.spec, Tag(k.name)] for k in kinds)],  # type: ignore[valid-type]  # noqa: UP007
        Discriminator(
            tag,
            custom_error_type="unknown_kind",
            custom_error_message=f"unknown product kind; expected one of: {expected}",
            custom_error_context={"discriminator": "kind", "expected": expected},
        ),
    ]
    return with_items(document, field, union)


@cache
def _authorization(kinds: tuple[str, ...]) -> type[Authorization]:
    return authorization_model(kinds)


KINDS = KindRegistry(
    [ModelKind(), PrivateModelKind(), MicrodataKind(), VerificationKind(), IndexKind()]
)
"""Every product kind Sluice builds."""
