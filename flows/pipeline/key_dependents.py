"""The products built with a key: what a key rotation makes out of date, found in the
policies (and the index files beside them) at a target, or else in the folders of the
policies the registry holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.pipeline.plan import declarations
from flows.services.key_use import product_keys
from flows.settings import Paths
from governance.registry import RegistryStore


@dataclass(frozen=True)
class Dependent:
    """A product built with the key, and the file that declares it."""

    product: str
    declared_in: Path


def dependents(key_id: str, paths: Paths, target: Path | None = None) -> list[Dependent]:
    """Products built with `key_id`, declared at `target` or beside the registered policies."""
    found: dict[str, Dependent] = {}
    for folder in [target] if target is not None else registered_folders(paths):
        for spec, kind, declared in declarations(folder):
            if key_id in product_keys(spec, kind, declared) and spec.id not in found:
                found[spec.id] = Dependent(spec.id, declared.path)
    return list(found.values())


def registered_folders(paths: Paths) -> list[Path]:
    """The folders of the policies the registry's live registrations came from (that exist)."""
    folders = {
        Path(held.submission.policy_path).parent
        for held in RegistryStore(paths.state).registrations()
        if held.status != "cancelled"
    }
    return sorted(f for f in folders if f.is_dir())
