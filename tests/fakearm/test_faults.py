"""Fault injection, retries, request logging and lifecycle of the fake, seen through the SDK."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.resource.resources import ResourceManagementClient

from . import FakeArm
from .clients import LOCATION, error_code, make_clients


def test_throttle_is_429_with_an_arm_error(arm, sdk, vnet):
    arm.faults.add(kind="throttle", retry_after=7)
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.network.virtual_networks.get("rg", "vnet")
    assert excinfo.value.status_code == 429
    assert error_code(excinfo) == "SubscriptionRequestsThrottled"
    assert excinfo.value.response.headers["Retry-After"] == "7"


def test_throttled_put_is_retried_after_retry_after(arm, vnet):
    sdk = make_clients(arm, retry_total=3, retry_backoff_factor=0.01)
    arm.faults.add(kind="throttle", method="PUT", path_contains="routeTables", retry_after=0.3)
    sdk.network.route_tables.begin_create_or_update("rg", "rt", {"location": LOCATION}).result()
    puts = [r for r in arm.writes() if "routeTables" in r.path]
    assert [(r.status, r.fault) for r in puts] == [(429, "throttle"), (201, None)]
    assert puts[1].started - puts[0].ended >= 0.25


def test_server_error_and_reset_surface_when_retries_are_off(arm, sdk, vnet):
    arm.faults.add(kind="error500", method="GET", path_contains="virtualNetworks/vnet")
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.network.virtual_networks.get("rg", "vnet")
    assert (excinfo.value.status_code, error_code(excinfo)) == (500, "InternalServerError")
    arm.faults.add(kind="reset", method="GET", path_contains="virtualNetworks/vnet")
    with pytest.raises((ServiceRequestError, ServiceResponseError)):
        sdk.network.virtual_networks.get("rg", "vnet")
    assert sdk.network.virtual_networks.get("rg", "vnet").name == "vnet"  # rules are spent
    assert [r.status for r in arm.requests[-3:]] == [500, None, 200]


def test_hang_is_bounded(arm, sdk, vnet):
    arm.faults.add(kind="hang", path_contains="virtualNetworks/vnet", hang_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(AzureError):
        sdk.network.virtual_networks.get("rg", "vnet")
    assert 0.25 <= time.monotonic() - started < 2
    assert arm.requests[-1].fault == "hang"


def test_stop_releases_hanging_requests():
    arm = FakeArm().start()
    arm.faults.add(kind="hang")  # 30 s by default
    url = f"{arm.endpoint}/subscriptions/{arm.subscription_id}?api-version=2022-12-01"
    failures: list[Exception] = []

    def call() -> None:
        try:
            urllib.request.urlopen(url, timeout=10)
        except Exception as e:  # the dropped connection
            failures.append(e)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    arm.stop()
    worker.join(timeout=5)
    assert time.monotonic() - started < 2 and not worker.is_alive() and failures


def test_paths_are_case_insensitive(arm, sdk, vnet):
    upper = vnet.id.upper().replace("SUBSCRIPTIONS", "subscriptions")
    assert arm.get(upper)["id"] == vnet.id  # first-written casing is kept
    request = urllib.request.Request(
        f"{arm.endpoint}{vnet.id.lower()}?api-version=2026-03-01",
        headers={"Authorization": "Bearer x"},
    )
    assert '"name": "vnet"' in urllib.request.urlopen(request).read().decode()
    rg = [r for r in arm.requests if r.method == "PUT" and r.path.endswith("/rg")][0]
    assert "/resourcegroups/" in rg.path  # the resource-groups client sends lower case


def test_request_log_shows_parallel_writes_and_dry_runs(arm, sdk, vnet):
    arm.reset_log()
    sdk.network.virtual_networks.get("rg", "vnet")
    assert arm.writes() == []  # a read-only pass sends no writes
    arm.faults.latency = 0.1

    def create(name: str) -> None:
        sdk.network.public_ip_addresses.begin_create_or_update(
            "rg", name, {"location": LOCATION}
        ).result()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(create, ["pip1", "pip2"]))
    first, second = [r for r in arm.writes() if r.method == "PUT"]
    assert first.overlaps(second)
    assert first.has_auth and first.api_version and first.body == {"location": LOCATION}


def test_requests_without_a_token_are_401(arm):
    url = f"{arm.endpoint}/subscriptions/{arm.subscription_id}?api-version=2022-12-01"
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(url)
    assert excinfo.value.code == 401
    cred, sub = arm.credential(), arm.subscription_id
    anonymous = ResourceManagementClient(
        cred, sub, **arm.client_kwargs(authentication_policy=SansIOHTTPPolicy())
    )
    with pytest.raises(ClientAuthenticationError) as excinfo:
        anonymous.resource_groups.get("rg")
    assert error_code(excinfo) == "AuthenticationFailed"
    # Why client_kwargs() replaces the SDK's auth policy: it refuses to send tokens over http.
    default = ResourceManagementClient(cred, sub, base_url=arm.endpoint, retry_total=0)
    with pytest.raises(ServiceRequestError, match="non-TLS"):
        default.resource_groups.get("rg")
