"""The human view of a plan: the model and why, every address range with its size and how full it
will be, capacity, and the resources, as rich tables. rich is imported here only."""

from __future__ import annotations

import ipaddress
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.plan import Plan


def _fill(required: int | None, usable: int | None) -> str:
    if not required or not usable:
        return "-"
    return f"{100 * required / usable:.0f}%"


def _size(cidr: str | None) -> str:
    if not cidr:
        return "-"
    return f"{ipaddress.ip_network(cidr).num_addresses:,}"


def address_rows(plan: Plan) -> list[tuple[str, ...]]:
    net = plan.network
    rows = [
        (
            "VNet " + net.vnet.name,
            ", ".join(net.vnet.address_space) or "(existing)",
            "-",
            "-",
            "-",
            "existing" if net.vnet.existing else "",
        )
    ]
    for s in net.subnets:
        usable = f"{s.usable_ips:,}" if s.usable_ips is not None else "?"
        need = f"{s.required_ips:,}"
        if s.required_blocks is not None:
            need += f" ({s.required_blocks} x /28 of {s.available_blocks})"
        note = "existing" if s.existing else ("given" if s.prefix_given else "allocated")
        prefix = s.prefix or ("(existing)" if s.existing else "NO ROOM")
        if s.ipv6_prefix:
            prefix += f" + {s.ipv6_prefix}"
        rows.append(
            (
                f"{s.role} subnet {s.name}",
                prefix,
                usable,
                need,
                _fill(s.required_ips, s.usable_ips),
                note,
            )
        )
    peak = plan.total_peak_nodes
    for label, cidrs in (
        ("pod CIDR", net.pod_cidrs or (net.pod_cidr,)),
        ("service CIDR", net.service_cidrs or (net.service_cidr,)),
    ):
        for cidr in cidrs:
            if not cidr or (
                label == "pod CIDR" and net.model not in ("overlay", "kubenet", "byo-cni")
            ):
                continue
            need, fill = "-", "-"
            plen = ipaddress.ip_network(cidr).prefixlen
            if label == "pod CIDR" and ":" not in cidr and plen <= 24:
                need, fill = f"{peak} x /24", _fill(peak, 2 ** (24 - plen))
            rows.append((label, cidr, _size(cidr), need, fill, ""))
    rows.append(("DNS service IP", net.dns_service_ip, "-", "-", "-", ""))
    return rows


def render_plan(plan: Plan, changes: dict[str, dict[str, Any]] | None = None) -> None:
    console = _console()
    net = plan.network
    console.print(Text.assemble((plan.name, "bold"), f" in {plan.location} (resource group "
                                f"{plan.resource_group})"))
    policy = f", policy {net.policy}" if net.policy != "none" else ""
    console.print(Text.assemble(
        "model ", (net.model, "bold"), f" (plugin {net.plugin}"
        f"{' / ' + net.plugin_mode if net.plugin_mode else ''}, "
        f"data plane {net.dataplane}{policy}), outbound {net.outbound.type}"
    ))
    for reason in net.model_reasons:
        console.print(f"  - {reason}")
    table = Table(title="Address plan", title_justify="left")
    for col in ("range", "prefix", "usable", "needed", "full", ""):
        table.add_column(col, overflow="fold")
    for row in address_rows(plan):
        table.add_row(*row)
    console.print(table)
    pools = Table(title="Node pools", title_justify="left")
    for col in ("pool", "mode", "os", "nodes", "surge", "max pods"):
        pools.add_column(col)
    for p in plan.node_pools:
        nodes = f"{p.min_count}-{p.max_count}" if p.autoscale else str(p.count)
        pools.add_row(p.name, p.mode, p.os, nodes, str(p.surge_nodes), str(p.max_pods))
    console.print(pools)
    cap = plan.capacity
    console.print(Text.assemble(
        "capacity: up to ", (f"{cap.max_nodes:,}", "bold"),
        f" nodes x {cap.max_pods_per_node} pods = {cap.max_pods:,} pods, limited by "
        f"{cap.limited_by}"
    ))
    _resources(console, plan, changes)


def _console():
    """A console that prints text as given: names and values from the intent are never read as
    rich markup or emoji codes (a tag "[prod]" stays "[prod]"), and nothing is colored by guess
    (the guessing compiles a dozen regular expressions on every start)."""
    return Console(markup=False, emoji=False, highlight=False)


def _resources(console, plan: Plan, changes) -> None:
    table = Table(title="Resources", title_justify="left")
    for col in ("action", "resource", "type", "name", "changes"):
        table.add_column(col, overflow="fold")
    for r in plan.ordered():
        change = (changes or {}).get(r.ref)
        action = change["action"] if change else ("existing" if r.existing else "create")
        diff = ", ".join(change.get("properties", [])) if change else ""
        short_type = r.type.split("/", 1)[1]  # the provider namespace adds nothing here
        table.add_row(action, r.symbol, short_type, r.name, diff)
    console.print(table)
