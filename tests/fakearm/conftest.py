"""Fixtures for the fake's own tests: a running FakeArm, SDK clients, and a VNet."""

from __future__ import annotations

import pytest

from .clients import LOCATION, make_clients, vnet_body
from .server import FakeArm


@pytest.fixture
def arm():
    with FakeArm() as server:
        yield server
        assert server.server_errors == []


@pytest.fixture
def sdk(arm):
    return make_clients(arm)


@pytest.fixture
def vnet(arm, sdk):
    """rg / vnet 10.1.0.0/16 with subnet nodes 10.1.0.0/22, created through the SDK."""
    sdk.resource.resource_groups.create_or_update("rg", {"location": LOCATION})
    poller = sdk.network.virtual_networks.begin_create_or_update(
        "rg", "vnet", vnet_body(("nodes", "10.1.0.0/22"))
    )
    return poller.result()
