"""Shared fixtures of the demo-web tests: one build per session, one running server."""

from __future__ import annotations

import pytest
from newslake_demo import DemoServer, DemoWeb, build_site


@pytest.fixture(scope="session")
def web() -> DemoWeb:
    return build_site()


@pytest.fixture(scope="session")
def server(web: DemoWeb):
    with DemoServer(web) as running:
        yield running
