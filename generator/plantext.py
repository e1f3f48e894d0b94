"""The human view of a plan: the model and why, every address range with its size and how full it
will be, capacity, and the resources, as boxed tables (generator.boxtable)."""

from __future__ import annotations

import ipaddress
import sys
from typing import Any, TextIO

from generator.boxtable import Style, Table, clean
from generator.plan import Plan
from generator.report import action_of


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


def render_plan(plan: Plan, changes: dict[str, dict[str, Any]] | None = None,
                stream: TextIO | None = None) -> None:
    """Write the plan to `stream` (stdout) in one piece."""
    stream = stream or sys.stdout
    stream.write("\n".join(plan_lines(plan, changes, Style.of(stream))) + "\n")


def plan_lines(plan: Plan, changes: dict[str, dict[str, Any]] | None, style: Style) -> list[str]:
    net = plan.network
    policy = f", policy {net.policy}" if net.policy != "none" else ""
    lines = [
        f"{style.strong(plan.name)} in {clean(plan.location)} (resource group "
        f"{clean(plan.resource_group)})",
        f"model {style.strong(net.model)} (plugin {net.plugin}"
        f"{' / ' + net.plugin_mode if net.plugin_mode else ''}, "
        f"data plane {net.dataplane}{policy}), outbound {net.outbound.type}",
        *(f"  - {clean(reason)}" for reason in net.model_reasons),
    ]
    table = Table("Address plan", ("range", "prefix", "usable", "needed", "full", ""),
                  fold=("range", "prefix", "needed"))
    for row in address_rows(plan):
        table.add_row(*row)
    lines += table.lines(style)
    lines += _pools(plan).lines(style)
    cap = plan.capacity
    lines.append(
        f"capacity: up to {style.strong(f'{cap.max_nodes:,}')} nodes x {cap.max_pods_per_node} "
        f"pods = {cap.max_pods:,} pods, limited by {cap.limited_by}"
    )
    lines += _resources(plan, changes).lines(style)
    return lines


def _pools(plan: Plan) -> Table:
    table = Table("Node pools", ("pool", "mode", "os", "nodes", "surge", "max pods"))
    for p in plan.node_pools:
        nodes = f"{p.min_count}-{p.max_count}" if p.autoscale else str(p.count)
        table.add_row(p.name, p.mode, p.os, nodes, str(p.surge_nodes), str(p.max_pods))
    return table


def _resources(plan: Plan, changes) -> Table:
    table = Table("Resources", ("action", "resource", "type", "name", "changes"),
                  fold=("type", "name", "changes"))
    for r in plan.ordered():
        change = (changes or {}).get(r.ref)
        diff = ", ".join(change.get("properties", [])) if change else ""
        short_type = r.type.split("/", 1)[1]  # the provider namespace adds nothing here
        table.add_row(action_of(r, changes), r.symbol, short_type, r.name,
                      diff or ("existing" if r.existing else ""))
    return table
