"""Figure 4: `aksnet apply` against the local fake Resource Manager, beside the critical path.

The fake (tests/fakearm) runs in this process on 127.0.0.1, adds `latency` seconds to every
request and keeps long-running operations in progress for `lro` seconds. The apply is the real
CLI in a child process, as a user runs it:

    AKSNET_ACCESS_TOKEN=x aksnet apply INTENT --yes --format json \
        --arm-endpoint http://127.0.0.1:PORT --subscription SUB

The figure is the provisioning wall time: from the apply's first request to its last response,
taken from the fake's request log (the child's start-up and Azure SDK imports, about a second,
are reported apart as `process_wall_s`). A warm-up apply with no latency fills the bytecode cache.
A run that passes `limit x` the critical path is stopped and reported as "more than".

Per-resource cost, from the fake's settings (L = latency, T = LRO time):
    synchronous PUT (resource group, identity, role definition/assignment)    L
    long-running PUT (VNet, subnet, NAT gateway, public IP, cluster, ...)     L + T + 2L
        (the PUT, the status poll that sees it finished, the final GET of the resource)
    plus one round of reads before any write, all in parallel:                L
Only resources the apply wrote are counted (a no-op, or a change folded into its parent's request,
costs nothing). The critical path is the longest `dependsOn` chain of the plan under those costs;
the serial sum is every read and every write one after another.
"""

from __future__ import annotations

import subprocess
import time

from bench.common import ROOT, Figure, console_script, median, missing

INTENTS = ("samples/nat-gateway.yaml", "samples/overlay.yaml")
TARGET = "<= 1.2x critical path"
LATENCY = 0.05
LRO_SECONDS = 2.0
LIMIT = 2.0  # stop a run at this multiple of the critical path (plus start-up)
WHAT_IF_POLL = "1"  # AKSNET_POLL_INTERVAL for the what-if rows shown when the default misses


def status() -> str:
    """'' when the provisioner and the fake are importable, else why not."""
    try:
        from generator.provision.runner import AzureOptions, run_apply  # noqa: F401
    except Exception as exc:  # still being written: the row says so
        return f"generator.provision.runner: {type(exc).__name__}: {exc}"[:200]
    try:
        from tests.fakearm import FakeArm  # noqa: F401
    except Exception as exc:
        return f"tests.fakearm: {type(exc).__name__}: {exc}"[:200]
    return ""


# --- the critical path ---------------------------------------------------------------------------


def _suffix(resource) -> str:
    """The tail of the resource's ARM path, lower case, to match request paths."""
    from generator.provision.refs import provider_path

    if resource.type == "Microsoft.Resources/resourceGroups":
        return f"/resourcegroups/{resource.name}".lower()
    return "/" + provider_path(resource.type, resource.name).lower()


def _is_lro(arm_type: str) -> bool:
    from tests.fakearm.catalog import kind_of

    return kind_of(arm_type).lro


def _longest(plan, cost: dict[str, float]) -> float:
    memo: dict[str, float] = {}
    by_ref = {r.ref: r for r in plan.resources}

    def finish(ref: str) -> float:
        if ref not in memo:
            deps = by_ref[ref].depends_on if ref in by_ref else ()
            memo[ref] = cost.get(ref, 0.0) + max((finish(d) for d in deps), default=0.0)
        return memo[ref]

    return max((finish(r.ref) for r in plan.resources), default=0.0)


def model(plan, latency: float, lro: float, written: set[str] | None = None) -> dict:
    """Critical path and serial sum of the plan's writes (all of them when `written` is None)."""
    refs = {r.ref for r in plan.resources if not r.existing} if written is None else written
    types = {r.ref: r.type for r in plan.resources}
    cost = {ref: latency + (lro + 2 * latency if _is_lro(types[ref]) else 0.0) for ref in refs}
    reads = sum(1 for r in plan.resources)
    return {"critical_path": latency + _longest(plan, cost),
            "serial_sum": latency * reads + sum(cost.values()), "writes": len(refs)}


def analyse(plan, log, stopped_at: float | None = None) -> dict:
    """What the request log says: which resources were written, the window (up to `stopped_at`
    for a run that was stopped), the gaps between status polls of one operation."""
    suffixes = {r.ref: _suffix(r) for r in plan.resources}
    written: set[str] = set()
    polls: dict[str, list[float]] = {}
    for rec in log:
        path = rec.path.lower().rstrip("/")
        if "/operations/" in path or "/operationresults/" in path:
            polls.setdefault(path, []).append(rec.started)
        if rec.method != "PUT":
            continue
        written.update(ref for ref, tail in suffixes.items() if path.endswith(tail))
    gaps = [b - a for times in polls.values() for a, b in zip(times, times[1:], strict=False)]
    first = min((r.started for r in log), default=0.0)
    first_put = min((r.started for r in log if r.method == "PUT"), default=first)
    last = stopped_at if stopped_at is not None else max((r.ended for r in log), default=first)
    return {
        "written": written,
        "window": last - first,
        "requests": len(log),
        "read_phase_s": first_put - first,
        "max_poll_gap_s": max(gaps, default=0.0),
    }


# --- one apply --------------------------------------------------------------------------------


def one_apply(intent: str, env: dict[str, str], latency: float, lro: float,
              limit_s: float | None) -> dict:
    from tests.fakearm import FakeArm

    with FakeArm() as arm:
        arm.faults.latency, arm.faults.lro_seconds = latency, lro
        cmd = [*console_script(), "apply", intent, "--yes", "--format", "json",
               "--arm-endpoint", arm.endpoint, "--subscription", arm.subscription_id]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=limit_s)
            stopped = None
        except subprocess.TimeoutExpired:
            stopped = time.monotonic()  # the fake's log uses the monotonic clock too
            proc.kill()  # the child this function started, by its own handle
            out, err = proc.communicate()
        wall = time.perf_counter() - start
        log, bugs = arm.requests, list(arm.server_errors)
    if stopped is None and (proc.returncode != 0 or bugs):
        tail = (err or out).decode(errors="replace")[-400:] or (bugs[-1][-400:] if bugs else "")
        raise RuntimeError(f"apply {intent} exited {proc.returncode}: {tail}")
    return {"process_wall": wall, "stopped": stopped, "log": log}


def _env(base: dict[str, str], poll: str | None) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith("AKSNET_")}
    env["AKSNET_ACCESS_TOKEN"] = "x"
    if poll is not None:
        env["AKSNET_POLL_INTERVAL"] = poll
    return env


def _figure(intent: str, plan, ideal: dict, runs: list[dict], poll: str | None,
            limit: float) -> list[Figure]:
    stem = intent.rsplit("/", 1)[-1].removesuffix(".yaml")
    setting = "defaults" if poll is None else f"AKSNET_POLL_INTERVAL={poll} (what-if)"
    label = f"apply {intent}, {setting}"
    facts = [analyse(plan, r["log"], r["stopped"]) for r in runs]
    windows = [f["window"] for f in facts]
    stopped = any(r["stopped"] is not None for r in runs)
    # Cost only what the apply wrote (a complete run shows it; a stopped one cannot).
    done = facts[0]["written"] if runs[0]["stopped"] is None else None
    path = model(plan, LATENCY, LRO_SECONDS, done) if done else ideal
    value = median(windows)
    fid = f"apply.{stem}" + ("" if poll is None else f".poll{poll}")
    fig = Figure(fid, label, value, "s", reference="critical path",
                 reference_value=path["critical_path"], target=TARGET,
                 passed=not stopped and value <= 1.2 * path["critical_path"], samples=windows)
    if stopped:
        fig.note = f"stopped at {limit:g}x the critical path: the value is a lower bound"
        fig.extra["lower_bound"] = True
    fig.extra.update(
        serial_sum_s=round(path["serial_sum"], 3), writes=path["writes"],
        vs_serial_sum=round(value / path["serial_sum"], 3),
        process_wall_s=round(median([r["process_wall"] for r in runs]), 3),
        requests=facts[0]["requests"], read_phase_s=round(facts[0]["read_phase_s"], 3),
        max_poll_gap_s=round(max(f["max_poll_gap_s"] for f in facts), 3), stopped=stopped)
    serial = Figure(f"{fid}.serial", "  the same, beside every change one after another",
                    value, "s", reference="serial sum", reference_value=path["serial_sum"])
    if stopped:
        serial.extra["lower_bound"] = True
    return [fig, serial]


def measure(runs: int, intents: tuple[str, ...], env: dict[str, str], limit: float = LIMIT,
            what_if: bool = True) -> list[Figure]:
    why = status()
    if why:
        return [missing(f"apply.{i.rsplit('/', 1)[-1].removesuffix('.yaml')}", f"apply {i}",
                        "s", TARGET, why) for i in intents]
    from generator.validate import validate_file

    out = []
    for intent in intents:
        plan = validate_file(ROOT / intent).plan
        ideal = model(plan, LATENCY, LRO_SECONDS)
        cap = limit * ideal["critical_path"] + 3  # + the child's start-up and SDK imports
        one_apply(intent, _env(env, None), 0.0, 0.0, 120)  # warm-up: bytecode, page cache
        default = [one_apply(intent, _env(env, None), LATENCY, LRO_SECONDS, cap)]
        if default[0]["stopped"] is None:
            default += [one_apply(intent, _env(env, None), LATENCY, LRO_SECONDS, cap)
                        for _ in range(runs - 1)]
        figures = _figure(intent, plan, ideal, default, None, limit)
        out += figures
        if what_if and figures[0].passed is False:  # what a finer LRO poll interval would give
            runs_ = [one_apply(intent, _env(env, WHAT_IF_POLL), LATENCY, LRO_SECONDS, cap)
                     for _ in range(runs)]
            out += _figure(intent, plan, ideal, runs_, WHAT_IF_POLL, limit)
    return out
