"""JSON Schemas of the policy and index formats, so editors can complete and check the files."""

from __future__ import annotations

import json
from typing import Any

from governance.policy.index import IndexFile
from governance.policy.models import FORMAT_VERSION, Policy


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for policy format v1."""
    return _schema(Policy, "policy", "Sluice policy")


def index_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for index files (`indices/*.yaml`), format v1."""
    return _schema(IndexFile, "index", "Sluice evaluation index")


def authorization_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for authorization files, format v1."""
    from governance.authorization.models import Authorization

    return _schema(Authorization, "authorization", "Sluice authorization")


def authorization_json_schema_text() -> str:
    """The authorization schema as stable, human-diffable JSON text."""
    return _text(authorization_json_schema())


def policy_json_schema_text() -> str:
    """The policy schema as stable, human-diffable JSON text."""
    return _text(policy_json_schema())


def index_json_schema_text() -> str:
    """The index schema as stable, human-diffable JSON text."""
    return _text(index_json_schema())


def _schema(model: Any, name: str, title: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sluice.dev/schema/{name}-v{FORMAT_VERSION}.json",
        **model.model_json_schema(by_alias=True),
        "title": f"{title} (format v{FORMAT_VERSION})",
    }


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
