"""A deterministic fleet of intents, and the in-process fleet figures (validate + plan, render).

`intents(n, seed)` returns n intent dicts: every network model (overlay with and without Cilium,
pod-subnet dynamic and static-block, node-subnet, kubenet, byo-cni, auto), one to four node pools
(fixed counts and autoscaling, Linux and Windows), varied VNet spaces, pod and service CIDRs,
connected networks and outbound types. The same (n, seed) always gives the same files, byte for
byte. `write_fleet` writes them as YAML so that YAML parsing is part of every timing.
"""

from __future__ import annotations

import ipaddress
import random
import time
from pathlib import Path

import yaml

from bench.common import ROOT, Figure, median, missing

LOCATIONS = ("eastus2", "westeurope", "northeurope", "eastus", "westus3", "southcentralus")
SERVICE_CIDRS = ("10.0.0.0/16", "172.20.0.0/16", "172.21.0.0/16")
POD_CIDRS = ("10.244.0.0/16", "100.64.0.0/16", "192.168.0.0/16", "100.96.0.0/14")
# The models in turn, so that every ten consecutive intents have the same mix (a 10-intent fleet
# costs per intent what a 10,000-intent one does): overlay is the common case.
CYCLE = ("overlay", "overlay-cilium", "pod-subnet", "overlay", "node-subnet", "auto",
         "pod-subnet-static", "kubenet", "overlay", "byo-cni")
OUTBOUNDS = (("loadBalancer", 70), ("userAssignedNATGateway", 15), ("userDefinedRouting", 15))
MAX_PODS = {"overlay": (30, 110, 250), "overlay-cilium": (50, 110, 250),
            "pod-subnet": (30, 48, 64, 110), "pod-subnet-static": (31, 63, 110),
            "node-subnet": (30, 30, 50), "kubenet": (30, 110), "byo-cni": (110, 250),
            "auto": (None, 110)}


def _pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


def _second_octets(rng: random.Random, count: int) -> list[int]:
    # 10.<k>.0.0/16 ranges clear of the 10.0/16 service CIDR and the 10.244/16 pod CIDR.
    return rng.sample(range(1, 240), count)


def _pools(rng: random.Random, kind: str, windows_ok: bool) -> list[dict]:
    choices = MAX_PODS[kind]
    system = {"name": "system", "mode": "System", "count": rng.choice((2, 3, 3, 5))}
    pods = rng.choice(choices)
    if pods is not None:
        system["maxPods"] = pods
    pools = [system]
    for i in range(rng.choice((0, 1, 1, 2, 3))):
        pool: dict = {"name": f"apps{i}", "vmSize": rng.choice(("Standard_D4s_v5",
                                                                "Standard_D8s_v5"))}
        if rng.random() < 0.5:
            pool["minCount"] = rng.choice((1, 2, 3))
            pool["maxCount"] = rng.choice((10, 20, 30, 50))
        else:
            pool["count"] = rng.choice((1, 3, 6, 10))
        pods = rng.choice(choices)
        if pods is not None:
            pool["maxPods"] = pods
        if rng.random() < 0.3:
            pool["maxSurge"] = rng.choice(("33%", "1", "10%", 2))
        pools.append(pool)
    if windows_ok and rng.random() < 0.15:
        pools.append({"name": "win", "os": "Windows", "osSku": "Windows2022",
                      "count": rng.choice((1, 2, 3)), "maxPods": 110})
    return pools


def intent(index: int, rng: random.Random, models=None) -> dict:
    kind = CYCLE[index % len(CYCLE)] if models is None else _pick(rng, models)
    vnet_octet, *connected = _second_octets(rng, 1 + rng.choice((0, 0, 1, 2, 3, 5)))
    network: dict = {}
    if kind == "auto":
        network["model"] = "auto"
        network["requirements"] = {"podsReachableFromNetwork": rng.random() < 0.3,
                                   "networkPolicy": rng.random() < 0.5}
    elif kind == "overlay-cilium":
        network.update(model="overlay", dataplane="cilium", policy="cilium")
    elif kind == "pod-subnet-static":
        network.update(model="pod-subnet", podSubnet={"allocation": "static-block"})
    else:
        network["model"] = kind
    prefix = rng.choice((16, 16, 16, 15, 14)) if kind.startswith("pod-subnet") else 16
    vnet_octet -= vnet_octet % (1 << (16 - prefix))
    network["vnet"] = {"addressSpace": [f"10.{vnet_octet}.0.0/{prefix}"]}
    if kind in ("overlay", "overlay-cilium", "kubenet", "byo-cni"):
        network["podCidr"] = rng.choice(POD_CIDRS)
    service = rng.choice(SERVICE_CIDRS)
    network["serviceCidr"] = service
    if rng.random() < 0.5:
        network["dnsServiceIp"] = service.replace(".0/16", ".10")
    connected = [f"10.{k}.0.0/16" for k in connected
                 if not vnet_octet <= k < vnet_octet + (1 << (16 - prefix))]
    outbound = _pick(rng, OUTBOUNDS)
    if outbound == "userDefinedRouting":
        if not connected:
            connected = ["10.250.0.0/24"]
        hub = ipaddress.ip_network(connected[0])
        network["outbound"] = {"type": outbound, "nextHopIp": str(hub.network_address + 4)}
    elif outbound != "loadBalancer":
        network["outbound"] = {"type": outbound, "idleTimeoutMinutes": rng.choice((4, 10))}
    if connected:
        network["connectedNetworks"] = connected
    data: dict = {"name": f"c{index:05d}-{kind}", "location": rng.choice(LOCATIONS),
                  "kubernetesVersion": rng.choice(("1.32", "1.33"))}
    if rng.random() < 0.6:
        data["tags"] = {"team": f"team-{index % 37}", "env": rng.choice(("dev", "prod"))}
    data["network"] = network
    if kind == "kubenet" or rng.random() < 0.1:
        data["identity"] = {"type": "userAssigned"}
    data["nodePools"] = _pools(rng, kind, windows_ok=kind in ("overlay", "pod-subnet"))
    return data


def intents(count: int, seed: int = 6, models=None) -> list[dict]:
    rng = random.Random(seed)
    return [intent(i, rng, models) for i in range(count)]


def write_fleet(folder: Path, count: int, seed: int = 6) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in intents(count, seed):
        path = folder / f"{data['name']}.yaml"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


# --- measurements (in this process) -------------------------------------------------------------


def time_yaml(paths: list[Path]) -> float:
    """Reference: parse every file with the C YAML loader and nothing else."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for path in paths:
        yaml.load(path.read_bytes(), Loader=loader)  # a safe loader
    return time.perf_counter() - start


def time_validate(paths: list[Path]) -> tuple[float, list]:
    """validate + plan, as `aksnet validate` does it per file: read, parse, plan, run the rules."""
    from generator.validate import validate_file

    start = time.perf_counter()
    results = [validate_file(p) for p in paths]
    return time.perf_counter() - start, results


def time_phases(paths: list[Path]) -> dict[str, float]:
    """Where validate + plan spends its time: load (YAML + pydantic), plan, rules."""
    from generator.load import load_intent
    from generator.planner import build_plan
    from generator.validate import check

    out = {"load": 0.0, "plan": 0.0, "rules": 0.0}
    for path in paths:
        t0 = time.perf_counter()
        intent_, smap = load_intent(path)
        t1 = time.perf_counter()
        plan = build_plan(intent_)
        t2 = time.perf_counter()
        check(intent_, plan, smap, str(path))
        t3 = time.perf_counter()
        out["load"] += t1 - t0
        out["plan"] += t2 - t1
        out["rules"] += t3 - t2
    return out


def time_plan_json(results: list) -> float:
    """Reference for the renderers: serialise each plan as the contract's JSON."""
    from generator import report

    start = time.perf_counter()
    for r in results:
        report.dumps(report.plan_json(r.plan))
    return time.perf_counter() - start


def time_render(results: list, target: str) -> tuple[float, int, int]:
    """Render every valid plan for one target; (seconds, plans rendered, bytes produced)."""
    from generator.render import render

    plans = [(r.plan, r.source) for r in results if r.valid]
    size = 0
    start = time.perf_counter()
    for plan, source in plans:
        rendered = render(plan, target, source)
        size += sum(len(t) for t in rendered.files.values())
    return time.perf_counter() - start, len(plans), size


# --- figures ------------------------------------------------------------------------------------

TARGETS = ("terraform", "bicep", "arm")
VALIDATE_TARGET = ">= 500 intents/s"
RENDER_TARGET = ">= 200 intents/s"
LINEAR = "0.75-1.33x (linear)"


def renderer_status(target: str) -> str:
    """'' when the target renders the overlay sample, else why it cannot be measured."""
    try:
        from generator.render import render
        from generator.validate import validate_file

        result = validate_file(ROOT / "samples" / "overlay.yaml")
        rendered = render(result.plan, target, result.source)
        if not rendered.files:
            return f"the {target} renderer produced no files"
        return ""
    except Exception as exc:  # a renderer still being written: say so, never fail the run
        return f"{type(exc).__name__}: {exc}"[:200]


def _rate_figure(fid, label, count, seconds, ref_label, ref_seconds, target, goal):
    rate = [count / s for s in seconds]
    value = median(rate)
    fig = Figure(fid, label, value, "intents/s", reference=ref_label,
                 reference_value=count / median(ref_seconds), target=target,
                 passed=value >= goal, samples=rate)
    fig.extra["ms_per_intent"] = round(1000 / value, 3)
    return fig


def _cpu(fn, *args):
    """(result, process CPU seconds): CPU time is what other load on the machine disturbs least."""
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start


def _guard(figures: list[Figure], fid: str, label: str, fn, *args):
    """fn(*args), or None after adding an error row: one broken renderer must not hide the
    other figures."""
    try:
        return fn(*args)
    except Exception as exc:
        fig = missing(fid, label, "intents/s", RENDER_TARGET, "")
        fig.note, fig.passed = f"error: {type(exc).__name__}: {exc}"[:200], False
        figures.append(fig)
        return None


def measure(folder: Path, count: int, runs: int, render_runs: int,
            phases: bool = True) -> tuple[list[Figure], dict]:
    """validate + plan and every renderer over `count` intents; returns the figures and the
    per-intent seconds (for the growth figures)."""
    paths = write_fleet(folder / f"fleet-{count}", count)
    time_validate(paths[:20])  # first-use costs (pydantic, regexes) are not per-intent costs
    yaml_s, val_s, cpu_s, results = [], [], [], None
    for _ in range(runs):
        yaml_s.append(time_yaml(paths))
        (seconds, results), cpu = _cpu(time_validate, paths)
        val_s.append(seconds)
        cpu_s.append(cpu)
    valid = sum(r.valid for r in results)
    fig = _rate_figure("fleet.validate", f"validate + plan {count:,} intents, one process",
                       count, val_s, "YAML parse only", yaml_s, VALIDATE_TARGET, 500)
    fig.extra.update(valid=valid, cpu_intents_per_s=round(count / median(cpu_s), 1))
    if phases:
        fig.extra["phases_s"] = {k: round(v, 3) for k, v in time_phases(paths).items()}
    figures, per_intent = [fig], {"validate": median(cpu_s) / count}
    # Rounds interleave the reference and the renderers, so a slow spell hits all of them alike.
    ready: list[str] = []
    for target in TARGETS:
        fid, label = f"fleet.render.{target}", f"render {target}, {valid:,} plans"
        why = renderer_status(target)
        if why:
            figures.append(missing(fid, label, "intents/s", RENDER_TARGET, why))
        elif _guard(figures, fid, label, time_render, results[:20], target):  # compile once
            ready.append(target)
    json_s: list[float] = []
    runs_: dict[str, list] = {t: [] for t in ready}
    for _ in range(render_runs):
        json_s.append(time_plan_json(results))
        for target in list(ready):
            fid, label = f"fleet.render.{target}", f"render {target}, {valid:,} plans"
            done = _guard(figures, fid, label, _cpu, time_render, results, target)
            if done:
                runs_[target].append(done)
            else:
                ready.remove(target)
    for target in ready:
        done = runs_[target]
        fig = _rate_figure(f"fleet.render.{target}", f"render {target}, {valid:,} plans", valid,
                           [r[0][0] for r in done], "plan as JSON", json_s, RENDER_TARGET, 200)
        fig.extra.update(bytes_per_plan=done[0][0][2] // max(done[0][0][1], 1),
                         cpu_intents_per_s=round(valid / median([r[1] for r in done]), 1))
        figures.append(fig)
        per_intent[target] = median([r[1] for r in done]) / valid
    return figures, per_intent


def growth(folder: Path, sizes: tuple[int, ...], base: dict, small_runs: int) -> list[Figure]:
    """CPU time per intent at each size beside the 1,000-intent fleet's, measured alongside it.

    CPU time of this process, not wall time: the question is whether the work per intent grows,
    and other load moves wall time far more. But the machine's own speed drifts too (a shared
    host can run at half speed for a minute), so the reference is measured with each size, not
    once, minutes earlier. A small fleet is timed in three groups of repeats with a 1,000-intent
    reference run before, between and after them. A large one is timed in slices of 1,000, in
    order and keeping every result (so whatever builds up across a fleet still builds up), each
    slice followed by a 1,000-intent reference run: a slow spell hits both alike.
    Every fleet is the first N intents of the same sequence, in which the models take turns, so
    the mix is the same at every size. `base` (the fleet figures' per-intent costs) names the
    renderers that work."""
    stages = ["validate", *(t for t in TARGETS if t in base)]
    labels = {"validate": "validate + plan", **{t: f"render {t}" for t in TARGETS}}
    base_paths = write_fleet(folder / "fleet-1000", 1000)
    out: list[Figure] = []
    for size in sizes:
        paths = write_fleet(folder / f"fleet-{size}", size)
        if size > len(base_paths):
            per, ref = _sliced(paths, base_paths, stages)
        else:
            per, ref = _between(paths, base_paths, stages, small_runs)
        for key in stages:
            value = median(per[key])
            fig = Figure(f"growth.{key}.{size}", f"{labels[key]}: CPU per intent at {size:,}",
                         value * 1000, "ms/intent", reference="per intent at 1,000, alongside",
                         reference_value=ref[key] * 1000, target=LINEAR,
                         passed=0.75 <= value / ref[key] <= 1.33,
                         samples=[p * 1000 for p in per[key]])
            out.append(fig)
    return out


def _between(paths, base_paths, stages, runs, rounds: int = 3):
    """A small fleet `runs` times in `rounds` groups, with a 1,000-intent reference run before,
    between and after the groups (the references' mean)."""
    refs = [_costs(base_paths, stages)]
    per: dict[str, list[float]] = {key: [] for key in stages}
    for group in range(rounds):
        for _ in range(runs // rounds + (group < runs % rounds)):
            for key, cost in _costs(paths, stages).items():
                per[key].append(cost)
        refs.append(_costs(base_paths, stages))
    return per, {key: sum(r[key] for r in refs) / len(refs) for key in stages}


def _sliced(paths, base_paths, stages):
    """A large fleet in slices of the reference's size, each followed by a reference run; the
    per-intent cost of the whole fleet (one sample) and of the references (their mean)."""
    step = len(base_paths)
    spent = {key: 0.0 for key in stages}
    ref = {key: 0.0 for key in stages}
    results: list = []
    slices = [paths[i:i + step] for i in range(0, len(paths), step)]
    for chunk in slices:  # validate in order, keeping every result
        (_, done), cpu = _cpu(time_validate, chunk)
        results += done
        spent["validate"] += cpu
        ref["validate"] += _costs(base_paths, ["validate"])["validate"] * step
    base_results = time_validate(base_paths)[1]
    for target in stages[1:]:
        for i in range(0, len(results), step):
            spent[target] += _cpu(time_render, results[i:i + step], target)[1]
            ref[target] += _cpu(time_render, base_results, target)[1]
    per = {key: [spent[key] / len(paths)] for key in stages}
    return per, {key: ref[key] / (len(slices) * step) for key in stages}


def _costs(paths: list[Path], stages: list[str]) -> dict[str, float]:
    """CPU seconds per intent of each stage over `paths`."""
    (_, results), cpu = _cpu(time_validate, paths)
    costs = {"validate": cpu / len(paths)}
    for target in stages[1:]:
        costs[target] = _cpu(time_render, results, target)[1] / len(paths)
    return costs


def _main() -> None:  # `python bench/fleet.py N DIR`: write a fleet for manual runs
    import sys

    paths = write_fleet(Path(sys.argv[2]), int(sys.argv[1]))
    print(f"{len(paths)} intents in {sys.argv[2]}")


if __name__ == "__main__":
    _main()
