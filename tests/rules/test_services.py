"""NET-SVC-*: each row is an override of the base overlay intent and every NET-SVC finding."""

from __future__ import annotations

import pytest

from generator.rules import services
from tests.conftest import findings_of, intent_data, severities_of

DNS = "network.dnsServiceIp"
V6_SPACE = ["10.224.0.0/16", "fd00:10::/48"]
DUAL = {
    "ipFamilies": ["IPv4", "IPv6"],
    "vnet": {"addressSpace": V6_SPACE},
    "podCidr": None,
    "podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
}


def net(**kw) -> dict:
    return {"network": kw}


ROWS = [
    ({}, set()),
    # NET-SVC-001: IPv4 smaller than /12 (12 itself a warning); IPv6 at most /108
    (net(serviceCidr="10.0.0.0/11"), {("NET-SVC-001", "network.serviceCidr")}),
    (net(serviceCidr="10.0.0.0/12"), {("NET-SVC-001", "network.serviceCidr")}),
    (net(serviceCidr="10.0.0.0/13"), set()),
    (
        net(serviceCidrs=["10.0.0.0/16", "fd12:3456:789a:1::/107"], **DUAL),
        {("NET-SVC-001", "network.serviceCidrs[1]")},
    ),
    (net(serviceCidrs=["10.0.0.0/16", "fd12:3456:789a:1::/108"], **DUAL), set()),
    (
        net(serviceCidrs=["10.0.0.0/11", "fd12:3456:789a:1::/108"], **DUAL),
        {("NET-SVC-001", "network.serviceCidrs[0]")},
    ),
    # NET-SVC-002: DNS IP inside the service CIDR
    (net(dnsServiceIp="10.1.0.10"), {("NET-SVC-002", DNS)}),
    (net(serviceCidr="10.96.0.0/16", dnsServiceIp=None), {("NET-SVC-005", DNS)}),
    (net(serviceCidr="10.96.0.0/16"), {("NET-SVC-002", DNS)}),
    (net(dnsServiceIp="10.0.255.254"), set()),
    # NET-SVC-003: not network + 1
    (net(dnsServiceIp="10.0.0.1"), {("NET-SVC-003", DNS)}),
    (net(dnsServiceIp="10.0.0.2"), set()),
    (net(serviceCidr="10.0.0.0/30", dnsServiceIp="10.0.0.1"), {("NET-SVC-003", DNS)}),
    (net(serviceCidr="10.0.0.0/30", dnsServiceIp="10.0.0.2"), set()),
    # NET-SVC-004: not the network or broadcast address (a /31's network + 1 is its broadcast)
    (net(dnsServiceIp="10.0.0.0"), {("NET-SVC-004", DNS)}),
    (net(dnsServiceIp="10.0.255.255"), {("NET-SVC-004", DNS)}),
    (net(serviceCidr="10.0.0.0/31", dnsServiceIp="10.0.0.1"), {("NET-SVC-004", DNS)}),
    (net(serviceCidr="10.0.0.0/30", dnsServiceIp="10.0.0.3"), {("NET-SVC-004", DNS)}),
    # NET-SVC-005: defaults the planner filled
    (
        net(serviceCidr=None, dnsServiceIp=None),
        {("NET-SVC-005", "network.serviceCidr"), ("NET-SVC-005", DNS)},
    ),
    (net(podCidr=None), {("NET-SVC-005", "network.podCidr")}),
    (net(model="node-subnet", podCidr=None), set()),
    (net(model="pod-subnet", podCidr=None, dnsServiceIp=None), {("NET-SVC-005", DNS)}),
    (
        net(serviceCidr=None, dnsServiceIp=None, **{**DUAL, "podCidrs": []}),
        {
            ("NET-SVC-005", "network.serviceCidr"),
            ("NET-SVC-005", "network.serviceCidrs"),
            ("NET-SVC-005", DNS),
            ("NET-SVC-005", "network.podCidr"),
            ("NET-SVC-005", "network.podCidrs"),
        },
    ),
    # NET-SVC-006: service range fixed before 1.33
    ({"kubernetesVersion": "1.32"}, {("NET-SVC-006", "kubernetesVersion")}),
    ({"kubernetesVersion": "1.32.5"}, {("NET-SVC-006", "kubernetesVersion")}),
    ({"kubernetesVersion": "1.33"}, set()),
    ({"kubernetesVersion": None}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_service_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-SVC") == expected


@pytest.mark.parametrize(
    "override, severity",
    [
        (net(serviceCidr="10.0.0.0/11"), "error"),
        (net(serviceCidr="10.0.0.0/12"), "warning"),
        (net(podCidr=None), "info"),
        ({"kubernetesVersion": "1.30"}, "info"),
    ],
)
def test_service_severities(override, severity):
    assert {s for _, _, s in severities_of(intent_data(**override), "NET-SVC")} == {severity}


def test_defaults_name_the_values():
    data = intent_data(network={"serviceCidr": "10.96.0.0/16", "dnsServiceIp": None})
    from generator.validate import check
    from tests.conftest import plan_of

    intent, plan = plan_of(data)
    (finding,) = [f for f in check(intent, plan) if f.rule == "NET-SVC-005"]
    assert "10.96.0.10" in finding.message and "10.96.0.10" in finding.fix


def test_catalog_entries():
    assert [r.id for r in services.RULES] == [f"NET-SVC-{n:03d}" for n in range(1, 7)]
    assert {r.kind for r in services.RULES} == {"check"}
