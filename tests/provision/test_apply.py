"""Apply over the in-memory backend: order, parallelism, dry run, idempotence, failures, retries,
confirmation."""

from __future__ import annotations

import io

import pytest

from generator.provision.apply import Retry, guarded
from generator.provision.backend import BackendError, InMemoryBackend
from generator.provision.refs import Resolver
from generator.validate import validate_file

from .helpers import ROOT, apply, changes_of, plan_for

KUBENET = validate_file(ROOT / "samples" / "kubenet.yaml").plan
NAT = validate_file(ROOT / "samples" / "nat-gateway.yaml").plan


def addresses(plan, backend) -> dict[str, str]:
    resolver = Resolver(plan.resources, backend.subscription)
    return {resolver.address(r).lower(): r.ref for r in plan.resources}


def test_writes_follow_dependencies(memory):
    run = apply(NAT, backend=memory)
    assert run.code == 0, run.out
    by_address = addresses(NAT, memory)
    puts = {by_address[c.target]: c for c in memory.puts}
    assert set(puts) == {r.ref for r in NAT.resources if not r.existing}
    for ref, call in puts.items():
        for dep in NAT.resource(ref).depends_on:
            if dep in puts:
                assert puts[dep].ended <= call.started, f"{ref} started before {dep} ended"


def test_independent_resources_are_written_in_parallel():
    # Each write takes 0.1 s, so writes that may run together are in flight together. How much
    # faster that makes apply is the benchmark's to measure (bench/apply.py), not a test's.
    backend = InMemoryBackend(latency=0.1)
    run = apply(NAT, backend=backend)
    assert run.code == 0
    puts = backend.puts
    overlapping = sum(1 for a in puts for b in puts
                      if a is not b and a.started < b.ended and b.started < a.ended)
    assert overlapping > 0


def test_dry_run_reads_and_writes_nothing(memory):
    run = apply(KUBENET, backend=memory, dry_run=True)
    assert run.code == 0
    assert memory.puts == []
    assert set(run.actions().values()) == {"create"}
    assert run.doc["dryRun"] is True


def test_second_apply_is_all_no_op(memory):
    assert apply(KUBENET, backend=memory).code == 0
    memory.calls.clear()
    again = apply(KUBENET, backend=memory)
    assert again.code == 0
    assert memory.puts == []
    assert set(again.actions().values()) == {"no-op"}


def test_a_failure_skips_dependents_and_a_rerun_converges(memory):
    vnet = next(r for r in KUBENET.resources if r.symbol == "vnet")
    memory.fail(vnet.ref, BackendError("bad address space", status=400, code="Invalid"))
    first = apply(KUBENET, backend=memory)
    assert first.code == 1
    status = first.statuses()
    assert status["vnet-old-kubenet"] == "failed"
    assert status["vnet-old-kubenet/snet-nodes"] == "skipped"
    assert status["old-kubenet"] == "skipped"
    assert status["id-old-kubenet"] == "done" and status["rt-old-kubenet"] == "done"
    exists = {r["name"]: r["exists"] for r in first.doc["results"]}
    assert not exists["vnet-old-kubenet"] and exists["id-old-kubenet"]
    memory.calls.clear()
    second = apply(KUBENET, backend=memory)
    assert second.code == 0
    created = {c.target.rsplit("/", 1)[-1] for c in memory.puts}
    assert "id-old-kubenet" not in created and "vnet-old-kubenet" in created
    memory.calls.clear()
    assert set(apply(KUBENET, backend=memory).actions().values()) == {"no-op"}
    assert memory.puts == []


def test_throttling_waits_for_retry_after():
    waits: list[float] = []
    retry = Retry(sleep=waits.append)
    backend = InMemoryBackend()
    rg = KUBENET.resources[0]
    backend.fail(rg.ref, *[BackendError("slow down", status=429, code="TooManyRequests",
                                        retry_after=7.0)] * 2)
    assert apply(KUBENET, backend=backend, retry=retry).code == 0
    assert waits == [7.0, 7.0]


def test_transient_errors_back_off_and_stay_bounded():
    waits: list[float] = []
    retry = Retry(attempts=4, base=0.5, sleep=waits.append)
    calls = []

    def boom():
        calls.append(1)
        raise BackendError("oops", status=500, code="InternalServerError")

    with pytest.raises(BackendError):
        guarded(boom, retry)
    assert waits == [0.5, 1.0, 2.0] and len(calls) == 4
    with pytest.raises(BackendError):  # not transient: no retry at all
        guarded(lambda: (_ for _ in ()).throw(BackendError("no", status=400, code="Bad")), retry)


def test_identity_replication_is_waited_out():
    waits: list[float] = []
    backend = InMemoryBackend()
    assignment = next(r for r in KUBENET.resources if r.type.endswith("roleAssignments"))
    backend.fail(assignment.ref, *[BackendError("Principal x does not exist", status=400,
                                                code="PrincipalNotFound")] * 3)
    run = apply(KUBENET, backend=backend, retry=Retry(principal_base=1.0, sleep=waits.append))
    assert run.code == 0
    assert waits == [1.0, 2.0, 4.0]


def test_a_lost_answer_is_not_written_twice():
    backend = InMemoryBackend()
    vnet = next(r for r in KUBENET.resources if r.symbol == "vnet")

    def lost(resource, body):  # the write lands, the answer never comes back
        backend.faults.pop(vnet.ref)
        backend.put(resource, body)
        raise BackendError("connection reset")

    backend.fail(vnet.ref, lost)
    assert apply(KUBENET, backend=backend).code == 0
    vnet_puts = [c for c in backend.puts if c.target.endswith("/vnet-old-kubenet")]
    assert len(vnet_puts) == 2  # the faulted call and the write inside it; no third


OTHER_NAME = "11111111-2222-3333-4444-555555555555"


def test_an_assignment_under_another_name_counts_as_done(memory):
    assignment = next(r for r in KUBENET.resources if r.type.endswith("roleAssignments"))
    resolver = Resolver(KUBENET.resources, memory.subscription)
    address = resolver.address(assignment)
    scope = address.rsplit("/providers/", 1)[0]

    def twin_exists(resource, body):  # someone made the same grant under another name
        memory.plant(address.replace(assignment.name, OTHER_NAME),
                     {"properties": {**body["properties"], "scope": scope}})
        raise BackendError("The role assignment already exists.", status=409,
                           code="RoleAssignmentExists")

    memory.fail(assignment.ref, twin_exists)
    run = apply(KUBENET, backend=memory)
    assert run.code == 0 and run.statuses()[assignment.name] == "done"
    assert memory.store.get(address.lower()) is None  # not created twice
    # a later survey sees the twin: no-op, not create
    assert changes_of(KUBENET, memory)[assignment.name] == ("no-op", ())


def test_a_refused_change_stops_apply_before_any_write(memory):
    v1 = plan_for()
    assert apply(v1, backend=memory).code == 0
    memory.calls.clear()
    v2 = plan_for(tags={"env": "prod"}, network={"serviceCidr": "10.1.0.0/16",
                                                 "dnsServiceIp": "10.1.0.10"})
    run = apply(v2, backend=memory)
    assert run.code == 1
    assert memory.puts == []
    assert run.actions()["base"] == "refused"
    assert {f["rule"] for f in run.doc["findings"] if f["severity"] == "error"} == {"NET-SVC-006"}


def test_error_findings_stop_apply_before_any_write(memory):
    from generator.rules.core import ERROR, Finding

    bad = Finding("NET-RANGE-001", ERROR, "network.serviceCidr", "overlaps")
    run = apply(KUBENET, backend=memory, findings=(bad,))
    assert run.code == 1 and memory.puts == []


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_apply_without_yes_refuses_when_stdin_is_no_terminal(memory):
    run = apply(KUBENET, backend=memory, yes=False, stdin=io.StringIO("y\n"), fmt="text")
    assert run.code == 1 and memory.puts == []
    assert "--yes" in run.err


@pytest.mark.parametrize(("answer", "code", "writes"), [("y\n", 0, True), ("n\n", 1, False)])
def test_apply_asks_on_a_terminal(memory, answer, code, writes):
    run = apply(KUBENET, backend=memory, yes=False, stdin=Tty(answer), fmt="text")
    assert run.code == code
    assert bool(memory.puts) is writes


def test_text_output_reports_what_exists(memory):
    vnet = next(r for r in KUBENET.resources if r.symbol == "vnet")
    memory.fail(vnet.ref, BackendError("nope", status=400, code="Invalid"))
    run = apply(KUBENET, backend=memory, fmt="text")
    assert run.code == 1
    assert "does not exist yet" in run.out and "re-run" in run.out
    assert "failed" in run.err


def test_the_live_display_on_a_terminal(memory):
    out, err = io.StringIO(), Tty()
    from generator.provision.runner import run_apply

    code = run_apply(NAT, (), "nat.yaml", options=None, dry_run=False, yes=True, fmt="text",
                     backend=memory, out=out, err=err)
    assert code == 0
    assert "done" in err.getvalue() and "natGateways/ng-egress-natgw" in err.getvalue()
    assert "11 created" in out.getvalue()


def test_a_resource_still_changing_is_waited_for_not_written(memory):
    assert apply(KUBENET, backend=memory).code == 0
    vnet = next(r for r in KUBENET.resources if r.symbol == "vnet")
    key = Resolver(KUBENET.resources, memory.subscription).address(vnet).lower()
    memory.store[key]["properties"]["provisioningState"] = "Updating"  # someone else's update

    def finish(seconds):
        memory.store[key]["properties"]["provisioningState"] = "Succeeded"

    memory.calls.clear()
    run = apply(KUBENET, backend=memory, retry=Retry(settle_interval=3.0, sleep=finish))
    assert run.code == 0
    assert run.actions()["vnet-old-kubenet"] == "update"
    assert run.statuses()["vnet-old-kubenet"] == "done"
    assert memory.puts == []  # it came out as wanted: nothing to write
