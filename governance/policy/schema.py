"""JSON Schema of the policy format, so editors can complete and check policy files."""

from __future__ import annotations

import json
from typing import Any

from governance.policy.models import FORMAT_VERSION, Policy


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for policy format v1."""
    schema = Policy.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sluice.dev/schema/policy-v{FORMAT_VERSION}.json",
        **schema,
        "title": f"Sluice policy (format v{FORMAT_VERSION})",
    }


def policy_json_schema_text() -> str:
    """The schema as stable, human-diffable JSON text."""
    return json.dumps(policy_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
