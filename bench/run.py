"""The benchmarks' one entry point: `python bench/run.py [--quick] [--only SECTION ...]`.

Prints a table (figure, median value, the reference measured in the same run, their ratio, the
target and whether it is met) and writes bench/results.json. A figure whose component is not
there yet reads "not available"; it is never guessed. Targets are reported, not enforced: the
exit code is 0 unless a section crashed (2), or `--check` is given and a target is missed (1).
See BENCHMARKS.md for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/, not the checkout, first
    sys.path.insert(0, str(ROOT))

from bench import apply_bench, coldstart, fleet, ipam_bench, memory  # noqa: E402
from bench.common import Figure, bench_env, machine  # noqa: E402

SECTIONS = ("cold", "fleet", "ipam", "apply", "memory")
# Bytecode of every child process, kept between runs (a cache: a stale entry is recompiled from
# its source, as Python always does) so that warm-ups are short and the checkout stays clean.
PYCACHE = Path(tempfile.gettempdir()) / f"aksnet-bench-pycache-{os.getuid()}"


@dataclass(frozen=True)
class Settings:
    cold_runs: int  # fresh processes per command
    fleet_runs: int  # repeats of the 1,000-intent validate + plan
    render_runs: int  # repeats of each 1,000-intent render
    growth_sizes: tuple[int, ...]
    small_runs: int  # repeats of the 10-intent growth figures
    ipam_runs: int
    apply_runs: int
    apply_intents: tuple[str, ...]
    apply_limit: float  # stop an apply at this multiple of its critical path
    apply_what_if: bool  # when the default misses, also run with a finer LRO poll interval
    memory_runs: int
    memory_fleet_runs: int


FULL = Settings(cold_runs=15, fleet_runs=5, render_runs=3, growth_sizes=(10, 10_000),
                small_runs=40, ipam_runs=5, apply_runs=2, apply_intents=apply_bench.INTENTS,
                apply_limit=2, apply_what_if=True, memory_runs=5, memory_fleet_runs=2)
QUICK = Settings(cold_runs=5, fleet_runs=2, render_runs=1, growth_sizes=(10,), small_runs=10,
                 ipam_runs=3, apply_runs=1, apply_intents=("samples/overlay.yaml",),
                 apply_limit=1.5, apply_what_if=False, memory_runs=3, memory_fleet_runs=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 10,000 fleet "
                        "(about a minute)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json",
                        help="where to write the results (default bench/results.json)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--markdown", type=Path, metavar="RESULTS",
                        help="print the figures of an earlier results.json as a Markdown table "
                        "(for BENCHMARKS.md) and exit; runs nothing")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text(encoding="utf-8"))))
        return 0
    settings = QUICK if args.quick else FULL
    sections = args.only or SECTIONS
    started = time.perf_counter()
    load_before = list(os.getloadavg())
    figures: list[Figure] = []
    details: dict = {}
    crashed = False
    with tempfile.TemporaryDirectory(prefix="aksnet-bench-") as tmp:
        folder = Path(tmp)
        env = bench_env(PYCACHE)
        for name in sections:
            t0 = time.perf_counter()
            print(f"[bench] {name} ...", file=sys.stderr, flush=True)
            try:
                figures += _section(name, settings, folder, env, details)
            except Exception:  # a broken section is reported as such; the others still run
                crashed = True
                text = traceback.format_exc()
                print(text, file=sys.stderr)
                figures.append(Figure(f"{name}.error", f"section {name} crashed", None, "",
                                      passed=False, note=text.strip().splitlines()[-1][:200]))
            print(f"[bench] {name} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(table(figures))
    _print_details(details)
    doc = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "sections": list(sections),
        "elapsed_s": round(elapsed, 1),
        "machine": {**machine(), "load_average_before": load_before},
        "figures": [f.as_json() for f in figures],
        "details": details,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    staged = args.out.with_name(args.out.name + ".tmp")
    staged.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    staged.replace(args.out)  # a reader never sees half a file
    print(f"\n{len(figures)} figures in {elapsed:.0f} s; written to {args.out}")
    if crashed:
        return 2
    return 1 if args.check and any(f.passed is False for f in figures) else 0


def _section(name: str, s: Settings, folder: Path, env: dict, details: dict) -> list[Figure]:
    if name == "cold":
        figures = coldstart.measure(s.cold_runs, env)
        details["validate_imports"] = coldstart.import_list(env)
        return figures
    if name == "fleet":
        figures, per_intent = fleet.measure(folder, 1000, s.fleet_runs, s.render_runs,
                                            phases=s is FULL)
        return figures + fleet.growth(folder, s.growth_sizes, per_intent, s.small_runs)
    if name == "ipam":
        return ipam_bench.measure(s.ipam_runs)
    if name == "apply":
        return apply_bench.measure(s.apply_runs, s.apply_intents, env, s.apply_limit,
                                   s.apply_what_if)
    if name == "memory":
        return memory.measure(folder, env, s.memory_runs, s.memory_fleet_runs)
    raise ValueError(name)


# --- output -------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "intents/s":
        return f"{value:,.0f}/s" if value >= 1000 else f"{value:.1f}/s"
    if unit == "ms/intent":
        return f"{value:.3f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.3g} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "reference", "ratio", "target", "result")]
    for f in figures:
        ref = f"{fmt(f.reference_value, f.unit)} ({f.reference})" if f.reference else ""
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
        result = {True: "pass", False: "MISS", None: ""}[f.passed]
        value = fmt(f.value, f.unit) if f.value is not None else (f.note or "-")
        if f.extra.get("lower_bound"):
            value, ratio = f"> {value}", f"> {ratio}"
        if f.passed is False and f.value is None:
            result = "ERROR"
        rows.append((f.figure, value, ref, ratio, f.target or "", result))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    widths[0], widths[1] = min(widths[0], 70), min(widths[1], 60)  # notes: full in results.json
    lines = []
    for i, row in enumerate(rows):
        cells = [c if len(c) <= w else c[: w - 1] + "~" for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(doc: dict) -> str:
    """The figures of a results.json document as a Markdown table."""
    m = doc["machine"]
    before, after = m.get("load_average_before") or [0.0], m.get("load_average") or [0.0]
    head = (f"{doc['mode'].capitalize()} run of {doc['date']} ({doc['elapsed_s']:.0f} s) on "
            f"{m.get('cpus')} CPUs ({m.get('cpu', '?')}), Python {m['python']};\n"
            f"1-minute load average {before[0]:.1f} before, {after[0]:.1f} after.\n")
    rows = ["| figure | value | reference | ratio | target | result |",
            "| --- | --- | --- | --- | --- | --- |"]
    for f in doc["figures"]:
        value = fmt(f["value"], f["unit"]) if f["value"] is not None else f["note"]
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else ""
        if f["extra"].get("lower_bound"):
            value, ratio = f"> {value}", f"> {ratio}"
        ref = (f"{fmt(f['reference_value'], f['unit'])} ({f['reference']})"
               if f["reference"] else "")
        result = {True: "pass", False: "**miss**", None: ""}[f["pass"]]
        cells = [f["figure"].strip(), value, ref, ratio, f["target"] or "", result]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return head + "\n" + "\n".join(rows)


def _print_details(details: dict) -> None:
    imports = details.get("validate_imports")
    if not imports:
        return
    print(f"\nimports of `aksnet validate` ({imports['modules']} modules, "
          f"{imports['total_ms']} ms by -X importtime); top-level, cumulative:")
    for name, ms in imports["top_cumulative_ms"][:12]:
        print(f"  {ms:7.1f} ms  {name}")
    heavy = ", ".join(imports["heavy_loaded"]) or "none"
    print(f"  packages validate does not need that were loaded: {heavy}")


if __name__ == "__main__":
    sys.exit(main())
