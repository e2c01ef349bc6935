"""One Prefect test server for every flow test module: starting one takes most of their time."""

from __future__ import annotations

import pytest

from flows.pipeline.runtime import configure_prefect


@pytest.fixture(scope="session")
def harness():
    configure_prefect()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
