"""Desired vs live: what counts as a difference, how a change is classified, what an update
body keeps."""

from __future__ import annotations

import pytest

from generator.plan import Resource
from generator.provision.diff import adopt, classify, differences, merged_body
from generator.provision.refs import Unknown

from .helpers import recase

VNET = Resource("Microsoft.Network/virtualNetworks", "vnet", "2026-03-01", "rg")


@pytest.mark.parametrize(("desired", "live", "expected"), [
    # Only what we set is compared; the server's additions are not differences.
    ({"properties": {"a": 1}}, {"id": "/x", "properties": {"a": 1, "provisioningState": "S"}}, []),
    # ARM normalises the case of enums and ids.
    ({"properties": {"plugin": "Azure", "id": "/subscriptions/S/resourceGroups/RG"}},
     {"properties": {"plugin": "azure", "id": "/subscriptions/s/resourcegroups/rg"}}, []),
    # Tag values are the user's words: case matters.
    ({"tags": {"env": "Prod"}}, {"tags": {"env": "prod", "other": "x"}}, ["tags.env"]),
    ({"location": "eastus2"}, {"location": "East US 2"}, []),
    # Prefixes compare as networks.
    ({"properties": {"p": "fd12:3456:789a:1::/108"}},
     {"properties": {"p": "fd12:3456:789a:0001:0000::/108"}}, []),
    # Empty values we set equal absent ones.
    ({"properties": {"x": {}, "y": [], "z": False}}, {"properties": {}}, []),
    ({"properties": {"n": 0}}, {"properties": {}}, ["n"]),
    ({"properties": {"flag": True}}, {"properties": {"flag": False}}, ["flag"]),
    # Named lists by name, extra live items are someone else's.
    ({"properties": {"pools": [{"name": "a", "count": 3}]}},
     {"properties": {"pools": [{"name": "b", "count": 1}, {"name": "A", "count": 3}]}}, []),
    ({"properties": {"pools": [{"name": "a", "count": 3}]}},
     {"properties": {"pools": [{"name": "a", "count": 4}]}}, ["pools[a].count"]),
    ({"properties": {"pools": [{"name": "new"}]}}, {"properties": {"pools": []}}, ["pools[new]"]),
    # Other lists as a whole, in any order; items may carry server fields.
    ({"properties": {"prefixes": ["10.0.0.0/16", "10.1.0.0/16"]}},
     {"properties": {"prefixes": ["10.1.0.0/16", "10.0.0.0/16"]}}, []),
    ({"properties": {"prefixes": ["10.0.0.0/16"]}},
     {"properties": {"prefixes": ["10.0.0.0/16", "10.9.0.0/16"]}}, ["prefixes"]),
    ({"properties": {"perms": [{"actions": ["a"], "notActions": []}]}},
     {"properties": {"perms": [{"actions": ["a"], "notActions": [], "dataActions": []}]}}, []),
    # Keys match case-insensitively, and missing ones differ.
    ({"properties": {"dnsServiceIP": "10.0.0.10"}}, {"properties": {"dnsServiceIp": "10.0.0.10"}},
     []),
    ({"properties": {"podCidr": "10.244.0.0/16"}}, {"properties": {}}, ["podCidr"]),
    # A value known only after apply always differs.
    ({"properties": {"principalId": Unknown("?")}}, {"properties": {"principalId": "p"}},
     ["principalId"]),
])
def test_differences(desired, live, expected):
    assert differences(desired, live) == expected


def test_classify_create_update_no_op():
    desired = {"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    assert classify(VNET, desired, None).action == "create"
    same = {"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    assert classify(VNET, desired, same).action == "no-op"
    other = {"properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}}
    change = classify(VNET, desired, other)
    assert (change.action, change.properties) == ("update", ("addressSpace.addressPrefixes",))


@pytest.mark.parametrize("state", ["Failed", "Creating", "Updating", "Canceled"])
def test_a_resource_left_failed_or_in_progress_is_updated(state):
    live = {"properties": {"provisioningState": state}}
    change = classify(VNET, {"properties": {}}, live)
    assert (change.action, change.properties) == ("update", ("provisioningState",))


def test_existing_resources_are_only_read():
    existing = Resource(VNET.type, "vnet", VNET.api_version, "rg", existing=True,
                        existing_id="/subscriptions/s/resourceGroups/rg/x")
    assert classify(existing, {}, {"properties": {}}).action == "read"


def test_update_body_keeps_what_it_does_not_know():
    live = {
        "id": "/vnet", "name": "vnet", "etag": "e", "location": "eastus",
        "tags": {"owner": "net-team"},
        "properties": {
            "provisioningState": "Succeeded",
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "theirs", "properties": {"addressPrefix": "10.0.9.0/24"}}],
        },
    }
    desired = {"location": "eastus", "tags": {"env": "prod"},
               "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/15"]}}}
    body = merged_body(live, desired)
    assert body == {
        "location": "eastus", "tags": {"owner": "net-team", "env": "prod"},
        "properties": {
            "addressSpace": {"addressPrefixes": ["10.0.0.0/15"]},
            "subnets": [{"name": "theirs", "properties": {"addressPrefix": "10.0.9.0/24"}}],
        },
    }


def test_update_body_merges_named_lists_and_drops_stale_twins():
    live = {"properties": {
        "agentPoolProfiles": [{"name": "system", "count": 3, "nodeImageVersion": "x"},
                              {"name": "gpu", "count": 1}],
        "networkProfile": {"podCidr": "10.244.0.0/16", "podCidrs": ["10.244.0.0/16"]},
    }}
    desired = {"properties": {"agentPoolProfiles": [{"name": "System", "count": 5}],
                              "networkProfile": {"podCidr": "10.244.0.0/15"}}}
    body = merged_body(live, desired)["properties"]
    assert body["agentPoolProfiles"] == [{"name": "System", "count": 5, "nodeImageVersion": "x"},
                                         {"name": "gpu", "count": 1}]
    assert body["networkProfile"] == {"podCidr": "10.244.0.0/15"}


def test_an_autoscaled_pool_count_is_the_autoscalers():
    desired = {"properties": {"agentPoolProfiles": [
        {"name": "apps", "count": 3, "enableAutoScaling": True, "maxCount": 30},
        {"name": "system", "count": 3, "enableAutoScaling": False}]}}
    live = {"properties": {"agentPoolProfiles": [
        {"name": "apps", "count": 17, "enableAutoScaling": True, "maxCount": 30},
        {"name": "system", "count": 4}]}}
    assert differences(adopt(desired, live), live) == ["agentPoolProfiles[system].count"]
    assert adopt(desired, None) is desired


# --- answers in another case (Properties, ProvisioningState, AgentPoolProfiles, ...) ------------


@pytest.mark.parametrize("state", ["Failed", "Updating"])
def test_state_is_read_in_any_case(state):
    live = recase({"properties": {"provisioningState": state,
                                  "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    desired = {"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    change = classify(VNET, desired, live)
    assert (change.action, change.properties) == ("update", ("provisioningState",))


def test_update_body_from_an_answer_in_another_case():
    live = recase({"id": "/vnet", "etag": "e", "location": "eastus", "properties": {
        "provisioningState": "Succeeded", "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "dhcpOptions": {"dnsServers": []}}})
    desired = {"location": "eastus",
               "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/15"]}}}
    # server-only fields dropped, our keys replace theirs in any case, theirs otherwise kept
    assert merged_body(live, desired) == {"location": "eastus", "properties": {
        "DhcpOptions": {"DnsServers": []}, "addressSpace": {"addressPrefixes": ["10.0.0.0/15"]}}}


def test_autoscaled_pool_count_read_in_any_case():
    desired = {"properties": {"agentPoolProfiles": [
        {"name": "apps", "count": 3, "enableAutoScaling": True}]}}
    live = recase({"properties": {"agentPoolProfiles": [
        {"name": "apps", "count": 17, "enableAutoScaling": True}]}})
    assert adopt(desired, live)["properties"]["agentPoolProfiles"][0]["count"] == 17
    assert differences(adopt(desired, live), live) == []
