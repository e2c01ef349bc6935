"""`sluice registry export`: the registry as files other tools read (Parquet and JSON), each
written to a temporary name and renamed, so a reader never sees half a file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flows.files.atomic import write_atomically
from governance.registry import RegistryStore

PARQUET = "registry.parquet"
JSON = "registry.json"


def export_registry(store: RegistryStore, out_dir: Path) -> list[Path]:
    """Write registry.parquet (one row per resource, its events nested) and registry.json
    (current registrations and every event); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet, document = out_dir / PARQUET, out_dir / JSON
    write_atomically(parquet, store.write_parquet)
    text = json.dumps(registry_document(store), ensure_ascii=False, indent=2, default=_iso)
    write_atomically(document, lambda tmp: tmp.write_text(text + "\n", "utf-8"))
    return [parquet, document]


def registry_document(store: RegistryStore) -> dict[str, Any]:
    """Current registrations and the full history (without the per-event snapshots, which
    repeat the registrations)."""
    events = [{k: v for k, v in asdict(e).items() if k != "snapshot"} for e in store.events()]
    return {
        "registrations": [r.row() for r in store.registrations()],
        "events": events,
    }


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
