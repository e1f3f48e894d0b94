"""End to end through the real azure-mgmt clients against the local fake Resource Manager:
every sample applies and re-applies as no-op, dry run and plan --live only read, independent
resources overlap in time, the CLI entry points work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.provision.diff import differences
from generator.provision.runner import azure_backend, survey
from generator.validate import validate_file
from tests.conftest import SAMPLES

from .helpers import ROOT, apply

READS = ("GET", "HEAD")


def plant_spoke(arm) -> None:
    """The network samples/existing-vnet.yaml brings by id."""
    arm.plant_resource_group("rg-network", "eastus2")
    arm.plant(arm.resource_id("rg-network", "Microsoft.Network/virtualNetworks", "vnet-spoke"), {
        "location": "eastus2",
        "properties": {"addressSpace": {"addressPrefixes": ["10.150.0.0/16"]}, "subnets": [
            {"name": "snet-aks", "properties": {"addressPrefix": "10.150.4.0/22"}},
            {"name": "snet-other", "properties": {"addressPrefix": "10.150.0.0/24"}}]},
    })


def sent_bodies(arm) -> dict[str, dict]:
    return {r.path.lower(): r.body for r in arm.requests if r.method == "PUT" and r.status
            and r.status < 300}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_applies_then_reapplies_as_no_op(arm, options, sample):
    if sample.stem == "existing-vnet":
        plant_spoke(arm)
    result = validate_file(sample)
    first = apply(result.plan, options=options, findings=result.findings, source=str(sample))
    assert first.code == 0, first.out
    assert set(first.statuses().values()) <= {"done", "read"}
    # the bodies sent are the plan's properties, Refs resolved
    bodies = sent_bodies(arm)
    backend = azure_backend(options)
    try:
        after = survey(result.plan, backend)
    finally:
        backend.close()
    for resource in result.plan.resources:
        if resource.existing:
            continue
        want = after.resolver.body(resource)
        got = bodies[after.resolver.address(resource).lower()]
        if want.get("properties") == {}:  # msrest leaves an empty properties object out
            want.pop("properties")
        assert got == want, resource.ref
    assert {c.action for c in after.changes} <= {"no-op", "read"}
    assert {r.method for r in arm.requests} <= {"GET", "PUT"}  # nothing deleted, patched, posted
    arm.reset_log()
    second = apply(result.plan, options=options, findings=result.findings)
    assert second.code == 0
    assert arm.writes() == []
    assert set(second.actions().values()) <= {"no-op", "read"}


def partly_existing(arm) -> None:
    """rg-prod-eastus2 and id-prod-eastus2 as the plan wants them; the VNet with a narrower
    address space and a subnet the plan does not know."""
    sample = ROOT / "samples" / "overlay.yaml"
    plan = validate_file(sample).plan
    tags = dict(plan.tags)
    arm.plant_resource_group("rg-prod-eastus2", "eastus2", tags)
    rg = "rg-prod-eastus2"
    arm.plant(arm.resource_id(rg, "Microsoft.ManagedIdentity/userAssignedIdentities",
                              "id-prod-eastus2"), {"location": "eastus2", "tags": tags})
    arm.plant(arm.resource_id(rg, "Microsoft.Network/virtualNetworks", "vnet-prod-eastus2"), {
        "location": "eastus2", "tags": tags,
        "properties": {"addressSpace": {"addressPrefixes": ["10.224.0.0/16"]}, "subnets": [
            {"name": "snet-jumpbox", "properties": {"addressPrefix": "10.224.255.0/24"}}]},
    })


def test_dry_run_and_plan_live_only_read(arm, options):
    partly_existing(arm)
    sample = str(ROOT / "samples" / "overlay.yaml")
    args = ["--arm-endpoint", arm.endpoint, "--subscription", arm.subscription_id]
    live = CliRunner().invoke(app, ["plan", sample, "--live", "--format", "json", *args])
    assert live.exit_code == 0, live.output
    actions = {r["name"]: (r["action"], r.get("properties", []))
               for r in json.loads(live.stdout)["resources"]}
    dry = CliRunner().invoke(app, ["apply", sample, "--dry-run", "--format", "json", *args])
    assert dry.exit_code == 0, dry.output
    dry_actions = {c["name"]: (c["action"], c["properties"])
                   for c in json.loads(dry.stdout)["changes"]}
    assert {r.method for r in arm.requests} <= set(READS)
    assert arm.writes() == []
    assert actions == dry_actions
    assert actions["rg-prod-eastus2"] == ("no-op", [])
    assert actions["id-prod-eastus2"] == ("no-op", [])
    assert actions["vnet-prod-eastus2"] == ("update", ["addressSpace.addressPrefixes"])
    assert actions["vnet-prod-eastus2/snet-nodes"] == ("create", [])
    assert actions["prod-eastus2"] == ("create", [])
    # apply then keeps the subnet it does not know
    applied = CliRunner().invoke(app, ["apply", sample, "--yes", "--format", "json", *args])
    assert applied.exit_code == 0, applied.output
    vnet = arm.get(arm.resource_id("rg-prod-eastus2", "Microsoft.Network/virtualNetworks",
                                   "vnet-prod-eastus2"))
    assert {s["name"] for s in vnet["properties"]["subnets"]} == {"snet-jumpbox", "snet-nodes"}
    assert vnet["properties"]["addressSpace"]["addressPrefixes"] == ["10.224.0.0/12"]


def test_independent_resources_are_created_in_parallel(arm, options):
    arm.faults.latency = 0.08
    plan = validate_file(ROOT / "samples" / "nat-gateway.yaml").plan
    assert apply(plan, options=options).code == 0
    puts = [r for r in arm.requests if r.method == "PUT"]
    first_level = [r for r in puts if any(k in r.path for k in (
        "/virtualNetworks/vnet-", "/publicIPAddresses/", "/userAssignedIdentities/",
        "/roleDefinitions/")) and "/subnets/" not in r.path]
    assert len(first_level) == 4
    assert all(a.overlaps(b) for a in first_level for b in first_level if a is not b)


def test_a_route_table_update_keeps_the_routes_aks_wrote(arm, options):
    plan = validate_file(ROOT / "samples" / "kubenet.yaml").plan
    assert apply(plan, options=options).code == 0
    rt = arm.resource_id("rg-old-kubenet", "Microsoft.Network/routeTables", "rt-old-kubenet")
    arm.plant(f"{rt}/routes/aks-system-vmss000000", {"properties": {
        "addressPrefix": "10.244.0.0/24", "nextHopType": "VirtualAppliance",
        "nextHopIpAddress": "10.90.0.4"}})
    body = arm.get(rt)
    body["properties"]["disableBgpRoutePropagation"] = True  # drifted
    arm.plant(rt, {k: v for k, v in body.items() if k in ("location", "properties")})
    arm.reset_log()
    run = apply(plan, options=options)
    assert run.code == 0 and run.statuses()["rt-old-kubenet"] == "done"
    assert [r.path.rsplit("/", 1)[-1] for r in arm.writes()] == ["rt-old-kubenet"]
    routes = arm.get(rt)["properties"]["routes"]
    assert [r["name"] for r in routes] == ["aks-system-vmss000000"]


def test_cli_apply_in_a_subprocess(arm):
    sample = str(ROOT / "samples" / "fleet" / "team-1.yaml")
    env = {**os.environ, "AKSNET_ACCESS_TOKEN": "test"}
    script = Path(sys.executable).with_name("aksnet")  # the console script, where installed
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "generator"]
    cmd = [*entry, "apply", sample, "--yes", "--format", "json",
           "--arm-endpoint", arm.endpoint, "--subscription", arm.subscription_id]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ok"] and {r["status"] for r in doc["results"]} == {"done"}
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert {"waiting", "creating", "done"} <= {e["event"] for e in events}
    assert all(r.has_auth for r in arm.requests)
    writes = len(arm.writes())
    # again, in process and as plain text: nothing left to do
    args = cmd[cmd.index("apply"):]
    again = CliRunner().invoke(app, [c for c in args if c not in ("--format", "json")])
    assert again.exit_code == 0, again.output
    assert "no changes" in again.stderr
    assert len(arm.writes()) == writes


def test_bodies_differ_only_where_the_plan_says(arm, options):
    """A property changed out of band shows up as exactly that update."""
    plan = validate_file(ROOT / "samples" / "fleet" / "team-2.yaml").plan
    assert apply(plan, options=options).code == 0
    cluster = arm.resource_id("rg-team-2", "Microsoft.ContainerService/managedClusters", "team-2")
    live = arm.get(cluster)
    live["properties"]["agentPoolProfiles"][0]["count"] = 5
    live["tags"] = {"team": "someone-else"}
    backend = azure_backend(options)
    try:
        desired = survey(plan, backend).resolver.body(plan.resource(
            "Microsoft.ContainerService/managedClusters/team-2"))
    finally:
        backend.close()
    assert differences(desired, live) == ["tags.team", "agentPoolProfiles[system].count"]


def test_the_same_grant_under_another_name_is_not_made_twice(arm, options):
    plan = validate_file(ROOT / "samples" / "kubenet.yaml").plan
    assert apply(plan, options=options).code == 0
    backend = azure_backend(options)
    try:
        resolver = survey(plan, backend).resolver
    finally:
        backend.close()
    assignment = next(r for r in plan.resources if r.type.endswith("roleAssignments"))
    ours = resolver.address(assignment)
    body = arm.get(ours)
    arm.remove(ours)
    other = ours.replace(assignment.name, "0f0f0f0f-1111-4222-8333-444444444444")
    arm.plant(other, {"properties": {k: body["properties"][k] for k in (
        "roleDefinitionId", "principalId", "principalType")}})
    arm.reset_log()
    run = apply(plan, options=options)
    assert run.code == 0 and run.actions()[assignment.name] == "no-op"
    assert arm.writes() == []
