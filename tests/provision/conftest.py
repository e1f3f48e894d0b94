"""Fixtures for the provisioning tests: the in-memory backend, and the fake ARM server with the
environment the CLI reads (a static token, instant polling, short backoffs)."""

from __future__ import annotations

import pytest

from generator.provision.backend import InMemoryBackend


@pytest.fixture
def memory() -> InMemoryBackend:
    return InMemoryBackend()


@pytest.fixture
def azure_env(monkeypatch):
    monkeypatch.setenv("AKSNET_ACCESS_TOKEN", "test")
    monkeypatch.setenv("AKSNET_POLL_INTERVAL", "0")
    monkeypatch.setenv("AKSNET_RETRY_BASE_SECONDS", "0.02")
    monkeypatch.delenv("AKSNET_ARM_ENDPOINT", raising=False)
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)


@pytest.fixture
def arm(azure_env):
    from tests.fakearm import FakeArm

    with FakeArm() as server:
        yield server
        assert server.server_errors == []


@pytest.fixture
def options(arm):
    from generator.provision.runner import AzureOptions

    return AzureOptions.resolve(arm.subscription_id, "AzureCloud", arm.endpoint)
