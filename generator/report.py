"""Emitters for findings and plans: text (ruff-like lines; plan tables are plantext.py's), JSON
(the contract) and SARIF 2.1.0. They print to stdout only; diagnostics go to stderr elsewhere.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from generator.plan import ManagedIdentity, Plan, Ref
from generator.rules.core import ERROR, INFO, WARNING, Finding
from generator.walk import rebuild

if TYPE_CHECKING:
    from generator.rules.core import Rule
    from generator.validate import Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}


def jsonable(value: Any) -> Any:
    """Plan values as JSON: Refs become `${type/name.attr}` strings."""
    return rebuild(value, _json_leaf)


def _json_leaf(value: Any) -> Any:
    if isinstance(value, Ref):
        return str(value)
    if isinstance(value, ManagedIdentity):
        out: dict[str, Any] = {"type": value.type}
        if value.user_assigned:
            out["userAssignedIdentities"] = {str(r): {} for r in value.user_assigned}
        return out
    return value


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- plan ---------------------------------------------------------------------------------------


def subnet_json(subnet) -> dict[str, Any] | None:
    if subnet is None:
        return None
    out = {"name": subnet.name, "prefix": subnet.prefix, "requiredIps": subnet.required_ips,
           "usableIps": subnet.usable_ips}
    if subnet.id:
        out["id"] = subnet.id
    if subnet.ipv6_prefix:
        out["ipv6Prefix"] = subnet.ipv6_prefix
    if subnet.allocation:
        out["allocation"] = subnet.allocation
    if subnet.required_blocks is not None:
        out["requiredBlocks"] = subnet.required_blocks
        out["availableBlocks"] = subnet.available_blocks
    return out


def plan_json(plan: Plan, findings: tuple[Finding, ...] = (),
              changes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The contract's plan view; `changes` (from --live) maps a resource ref to its action."""
    net = plan.network
    network = {
        "model": net.model, "dataplane": net.dataplane, "policy": net.policy,
        "plugin": net.plugin, "pluginMode": net.plugin_mode,
        "modelReasons": list(net.model_reasons),
        "vnet": {"name": net.vnet.name, "addressSpace": list(net.vnet.address_space),
                 "existing": net.vnet.existing},
        "nodeSubnet": subnet_json(net.node_subnet),
        "podSubnet": subnet_json(net.pod_subnet),
        "apiServerSubnet": subnet_json(net.api_server_subnet),
        "podCidr": net.pod_cidr if net.model in ("overlay", "kubenet", "byo-cni") else None,
        "serviceCidr": net.service_cidr, "dnsServiceIp": net.dns_service_ip,
        "ipFamilies": list(net.ip_families),
        "podCidrs": list(net.pod_cidrs), "serviceCidrs": list(net.service_cidrs),
        "outboundType": net.outbound.type,
    }
    pools = [{"name": p.name, "mode": p.mode, "os": p.os, "nodes": p.sizing_nodes,
              "surgeNodes": p.surge_nodes, "maxPods": p.max_pods} for p in plan.node_pools]
    return {
        "name": plan.name,
        "location": plan.location,
        "resourceGroup": plan.resource_group,
        "network": network,
        "nodePools": pools,
        "capacity": plan.capacity.as_json(),
        "defaulted": sorted(plan.defaulted),
        "resources": [resource_json(r, changes) for r in plan.resources],
        "findings": [f.as_json() for f in findings],
    }


def action_of(resource, changes=None) -> str:
    """What applying the plan does to `resource`: create, update, no-op... (offline: create, or
    no-op for an existing resource)."""
    change = (changes or {}).get(resource.ref)
    action = change["action"] if change else ("no-op" if resource.existing else "create")
    # Existing resources are only read, never written: the contract's word for that is no-op.
    return "no-op" if action == "read" else action


def resource_json(resource, changes=None) -> dict[str, Any]:
    change = (changes or {}).get(resource.ref)
    out: dict[str, Any] = {"type": resource.type, "name": resource.name,
                           "action": action_of(resource, changes),
                           "dependsOn": list(resource.depends_on),
                           "apiVersion": resource.api_version, "existing": resource.existing}
    if change and change.get("properties"):
        out["properties"] = change["properties"]
    if resource.existing:
        out["id"] = resource.existing_id
    else:
        out["body"] = jsonable(resource.body())
        if resource.scope is not None:
            out["scope"] = jsonable(resource.scope)
    return out


# --- findings: JSON and SARIF -------------------------------------------------------------------


def findings_json(results: list[Result]) -> dict[str, Any]:
    return {"results": [
        {"intent": r.source, "valid": r.valid, "findings": [f.as_json() for f in r.findings]}
        for r in results
    ]}


def sarif(results: list[Result], catalog: tuple[Rule, ...], version: str) -> dict[str, Any]:
    rules = [_sarif_rule(r) for r in catalog]
    rules.append({"id": "INTENT", "name": "IntentUnreadable",
                  "shortDescription": {"text": "The intent file could not be read"},
                  "defaultConfiguration": {"level": "error"}})
    index = {r["id"]: i for i, r in enumerate(rules)}
    out = []
    for result in results:
        for f in result.findings:
            out.append({
                "ruleId": f.rule, "ruleIndex": index.get(f.rule, len(rules) - 1),
                "level": SARIF_LEVELS[f.severity],
                "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": result.source},
                    "region": {"startLine": f.line or 1},
                }, "logicalLocations": [{"fullyQualifiedName": f.path or "(file)"}]}],
            })
    driver = {"name": "aksnet", "version": version, "informationUri":
              "https://learn.microsoft.com/azure/aks/concepts-network", "rules": rules}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": out}]}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(w.capitalize() for w in rule.title.split()[:8] if w.isalnum()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation or rule.title},
        "helpUri": rule.docs,
        "help": {"text": rule.fix or rule.reason or rule.title},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
        "properties": {"kind": rule.kind},
    }


# --- text ---------------------------------------------------------------------------------------


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


COLORS = {ERROR: "\x1b[31m", WARNING: "\x1b[33m", INFO: "\x1b[36m"}


def findings_text(results: list[Result]) -> str:
    """ruff-like: `file:line  RULE  severity  message`, then indented fix and docs."""
    color = _color()
    lines: list[str] = []
    for result in results:
        for f in result.findings:
            sev = f"{COLORS[f.severity]}{f.severity}\x1b[0m" if color else str(f.severity)
            where = f"{result.source}:{f.line}" if f.line else result.source
            lines.append(f"{where}  {f.rule}  {sev}  {f.message}")
            if f.path:
                lines.append(f"    at: {f.path}")
            if f.fix:
                lines.append(f"    fix: {f.fix}")
            if f.docs:
                lines.append(f"    docs: {f.docs}")
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    counts = {s: sum(1 for r in results for f in r.findings if f.severity == s)
              for s in (ERROR, WARNING, INFO)}
    unread = sum(1 for r in results if not r.readable)
    head = f"{len(results)} intent{'s' if len(results) != 1 else ''} checked: "
    tail = f"{counts[ERROR]} error(s), {counts[WARNING]} warning(s), {counts[INFO]} info"
    return head + tail + (f"; {unread} unreadable" if unread else "")
