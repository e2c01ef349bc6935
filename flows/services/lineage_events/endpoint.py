"""The configured endpoint as an OpenLineage transport that, once it fails, is not tried again
for a minute: an endpoint that is down costs a build one timeout, not one per event, and a
long-running process (`sluice serve`) sends again once it is back."""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import attr
from openlineage.client.transport import Transport, get_default_factory
from openlineage.client.transport.transport import Config

PAUSE = 60.0
"""Seconds an endpoint that failed is left alone."""
TYPE = f"{__name__}.Endpoint"
"""The transport's `type` in a configuration (OpenLineage imports it by this dotted name)."""


@attr.define
class EndpointConfig(Config):
    transport: dict[str, Any]
    """The endpoint's own transport configuration, as OpenLineage reads it."""

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> EndpointConfig:
        return cls(transport=dict(params["transport"]))


class Endpoint(Transport):
    """Sends through the configured transport, except for a minute after it failed."""

    kind = "sluice_endpoint"
    config_class = EndpointConfig
    failed: ClassVar[dict[str, float]] = {}
    """When each endpoint (by its configuration) last failed in this process."""

    def __init__(self, config: EndpointConfig) -> None:
        self.key = json.dumps(config.transport, sort_keys=True, default=str)
        self.inner = get_default_factory().create(dict(config.transport))

    def emit(self, event: Any) -> Any:
        if time.monotonic() - self.failed.get(self.key, -PAUSE) < PAUSE:
            raise RuntimeError(f"the endpoint failed less than {PAUSE:.0f} s ago; not tried")
        try:
            return self.inner.emit(event)
        except Exception:
            self.failed[self.key] = time.monotonic()
            raise

    def close(self, timeout: float = -1) -> bool:
        return self.inner.close(timeout)
