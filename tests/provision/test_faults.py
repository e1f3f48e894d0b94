"""The fault matrix: throttling bursts, server errors, dropped connections, failed operations,
slow identity replication, and a kill in the middle of apply. Every run either succeeds or
reports what exists; a re-run converges; nothing is duplicated and nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

import pytest

from generator.provision.apply import Retry
from generator.provision.refs import Resolver
from generator.validate import validate_file

from .helpers import ROOT, apply

KUBENET = ROOT / "samples" / "kubenet.yaml"
OVERLAY = ROOT / "samples" / "overlay.yaml"


def converged(arm, options, plan) -> None:
    """A further apply writes nothing; every plan resource exists exactly once; nothing was ever
    deleted."""
    assert [r for r in arm.requests if r.method == "DELETE"] == []
    arm.reset_log()
    again = apply(plan, options=options)
    assert again.code == 0, again.out
    assert arm.writes() == []
    assert set(again.actions().values()) <= {"no-op", "read"}
    resolver = Resolver(plan.resources, arm.subscription_id)
    for resource in plan.resources:
        assert arm.get(resolver.address(resource)) is not None, resource.ref
    with arm.store.lock:
        kinds = Counter(e.type_key for e in arm.store.entries.values())
    planned = Counter(r.type.lower() for r in plan.resources
                      if not r.type.endswith("roleDefinitions"))
    for rtype, n in planned.items():
        assert kinds[rtype] == n, rtype
    vnet = next(r for r in plan.resources if r.symbol == "vnet")
    subnets = arm.get(resolver.address(vnet))["properties"]["subnets"]
    assert sorted(s["name"] for s in subnets) == sorted(
        r.short_name for r in plan.resources if r.type.endswith("/subnets"))


FAULTS = {
    "429 burst on writes": dict(kind="throttle", method="PUT", times=4, retry_after=0.05),
    "429 burst on reads": dict(kind="throttle", method="GET", times=6, retry_after=0.02),
    "500 on the cluster": dict(kind="error500", method="PUT", path_contains="managedClusters",
                               times=2),
    "reset on subnets": dict(kind="reset", method="PUT", path_contains="/subnets/", times=2),
    "reset on an operation poll": dict(kind="reset", method="GET", path_contains="/operations/",
                                       times=2),
    "AKS busy": dict(kind="error", status=409, code="OperationNotAllowed", method="PUT",
                     path_contains="managedClusters", times=1,
                     message="Operation is not allowed: Another operation (Updating) is in "
                             "progress, please wait for it to finish."),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_transient_faults_are_retried(arm, options, fault):
    plan = validate_file(KUBENET).plan
    rule = arm.faults.add(**fault)
    run = apply(plan, options=options)
    assert run.code == 0, run.out
    assert rule.fired == fault["times"]
    converged(arm, options, plan)


def test_slow_identity_replication_is_waited_out(arm, options):
    arm.faults.principal_replication_seconds = 0.25
    plan = validate_file(KUBENET).plan
    run = apply(plan, options=options, retry=Retry(principal_base=0.05))
    assert run.code == 0, run.out
    refused = [r for r in arm.requests if r.status == 400 and "roleAssignments" in r.path]
    assert refused, "the fake should have answered PrincipalNotFound at least once"
    converged(arm, options, plan)


def test_a_failed_operation_is_reported_and_a_rerun_converges(arm, options):
    plan = validate_file(KUBENET).plan
    arm.faults.add(kind="lro_fail", method="PUT", path_contains="virtualNetworks/vnet-old-kubenet",
                   code="InternalOperationError", times=1)
    first = apply(plan, options=options)
    assert first.code == 1
    status = first.statuses()
    assert status["vnet-old-kubenet"] == "failed"
    assert status["vnet-old-kubenet/snet-nodes"] == "skipped"
    assert status["old-kubenet"] == "skipped"
    assert status["id-old-kubenet"] == "done"
    second = apply(plan, options=options)
    assert second.code == 0, second.out
    assert second.actions()["id-old-kubenet"] == "no-op"
    converged(arm, options, plan)


def test_a_permanent_error_stops_only_the_dependents(arm, options):
    plan = validate_file(KUBENET).plan
    arm.faults.add(kind="error", status=400, code="InvalidParameter", method="PUT",
                   path_contains="managedClusters", times=None)
    first = apply(plan, options=options)
    assert first.code == 1
    assert first.statuses()["old-kubenet"] == "failed"
    assert {s for n, s in first.statuses().items() if n != "old-kubenet"} == {"done"}
    arm.faults.clear()
    assert apply(plan, options=options).code == 0
    converged(arm, options, plan)


def spawn_apply(arm, sample) -> subprocess.Popen:
    env = {**os.environ, "AKSNET_ACCESS_TOKEN": "test"}
    cmd = [sys.executable, "-m", "generator", "apply", str(sample), "--yes", "--format", "json",
           "--arm-endpoint", arm.endpoint, "--subscription", arm.subscription_id]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_killed_while_a_write_hangs_then_rerun_converges(arm, options):
    rule = arm.faults.add(kind="hang", method="PUT", path_contains="managedClusters",
                          hang_seconds=20)
    proc = spawn_apply(arm, OVERLAY)
    try:
        wait_for(lambda: rule.fired >= 1)
    finally:
        proc.kill()
        proc.wait()
    arm.faults.clear()
    plan = validate_file(OVERLAY).plan
    rerun = apply(plan, options=options)
    assert rerun.code == 0, rerun.out
    assert rerun.actions()["prod-eastus2"] == "create"
    assert {a for n, a in rerun.actions().items() if n != "prod-eastus2"} == {"no-op"}
    converged(arm, options, plan)


def test_killed_during_a_long_running_operation_then_rerun_converges(arm, options):
    arm.faults.lro_seconds = 1.5
    proc = spawn_apply(arm, OVERLAY)
    try:
        wait_for(lambda: any(r.method == "PUT" and "virtualNetworks" in r.path
                             for r in arm.requests))
    finally:
        proc.kill()
        proc.wait()
    arm.faults.lro_seconds = 0.0
    plan = validate_file(OVERLAY).plan
    rerun = apply(plan, options=options)
    assert rerun.code == 0, rerun.out
    assert rerun.actions()["vnet-prod-eastus2"] == "update"  # still "Creating" when read
    assert "waiting" in rerun.err or rerun.statuses()["vnet-prod-eastus2"] == "done"
    converged(arm, options, plan)
