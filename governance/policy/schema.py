"""JSON Schemas of the policy, index and authorization formats, so editors can complete and
check the files. The product kinds a schema admits are the ones its model was built with."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from governance.policy.models import FORMAT_VERSION


def json_schema(model: type[BaseModel], name: str, title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document model, format v1."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sluice.dev/schema/{name}-v{FORMAT_VERSION}.json",
        **model.model_json_schema(by_alias=True),
        "title": f"{title} (format v{FORMAT_VERSION})",
    }


def json_schema_text(model: type[BaseModel], name: str, title: str) -> str:
    """The schema as stable, human-diffable JSON text."""
    schema = json_schema(model, name, title)
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
