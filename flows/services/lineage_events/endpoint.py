"""The configured endpoint as an OpenLineage transport that gives up for the rest of the process
once it fails: an endpoint that is down costs a build one timeout, not one per event."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import attr
from openlineage.client.transport import Transport, get_default_factory
from openlineage.client.transport.transport import Config

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
    """Sends through the configured transport until it fails once in this process."""

    kind = "sluice_endpoint"
    config_class = EndpointConfig
    down: ClassVar[set[str]] = set()
    """Endpoints that failed in this process, by their configuration."""

    def __init__(self, config: EndpointConfig) -> None:
        self.key = json.dumps(config.transport, sort_keys=True, default=str)
        self.inner = get_default_factory().create(dict(config.transport))

    def emit(self, event: Any) -> Any:
        if self.key in self.down:
            raise RuntimeError("the endpoint failed earlier in this run; not tried again")
        try:
            return self.inner.emit(event)
        except Exception:
            self.down.add(self.key)
            raise

    def close(self, timeout: float = -1) -> bool:
        return self.inner.close(timeout)
