"""Figure 1: cold start of whole `aksnet` processes beside the Python floor, and the import list.

Every command runs as a fresh process. Rounds interleave the commands (a different order each
round) so that a slow spell of the machine hits all of them alike; each figure is the median.
Bytecode is cached in a private folder (warm .pyc, as in an installed copy) and every command
runs once before timing so that the cache is full.
"""

from __future__ import annotations

import re
import subprocess

from bench.common import PYTHON, ROOT, Figure, console_script, median, run_timed

SAMPLE = "samples/overlay.yaml"
FLOOR = "import typer, jinja2, pydantic"
TARGET = "<= 1.3x floor and < 0.25 s"
WATCHED = ("azure", "jinja2", "rich", "msal", "requests", "cryptography")  # validate needs none


def commands() -> list[tuple[str, str, list[str]]]:
    aksnet = console_script()
    return [
        ("pass", "python -c pass", [PYTHON, "-c", "pass"]),
        ("floor", f'python -c "{FLOOR}"', [PYTHON, "-c", FLOOR]),
        ("stack", f"stack floor: python bench/stackfloor.py validate {SAMPLE}",
         [PYTHON, "bench/stackfloor.py", "validate", SAMPLE]),
        ("validate", f"aksnet validate {SAMPLE}", [*aksnet, "validate", SAMPLE]),
        ("plan", f"aksnet plan {SAMPLE}", [*aksnet, "plan", SAMPLE]),
        ("plan-json", f"aksnet plan {SAMPLE} --format json",
         [*aksnet, "plan", SAMPLE, "--format", "json"]),
    ]


def measure(runs: int, env: dict[str, str]) -> list[Figure]:
    cmds = commands()
    times: dict[str, list[float]] = {name: [] for name, _, _ in cmds}
    codes: dict[str, int] = {}
    for name, _, cmd in cmds:  # warm the bytecode cache and the page cache
        _, codes[name], err = run_timed(cmd, env)
        if codes[name] not in (0, 1):
            raise RuntimeError(f"{name} exited {codes[name]}: {err.decode()[-400:]}")
    for round_ in range(runs):
        shift = round_ % len(cmds)
        for name, _, cmd in cmds[shift:] + cmds[:shift]:
            seconds, _, _ = run_timed(cmd, env)
            times[name].append(seconds)
    floor = median(times["floor"])
    # each command beside the least its own work can cost on this stack
    stack_of = {"validate": "stack", "plan": "stack", "plan-json": "stack"}
    out = []
    for name, label, _ in cmds:
        value = median(times[name])
        fig = Figure(f"cold.{name}", f"cold start: {label}", value, "s", samples=times[name])
        if name != "floor":
            fig.reference, fig.reference_value = "import floor", floor
        if name in stack_of:
            stack = median(times[stack_of[name]])
            fig.target = TARGET
            fig.passed = value / floor <= 1.3 and value < 0.25
            fig.extra.update(exit_code=codes[name], stack_floor=stack_of[name],
                             vs_stack_floor=round(value / stack, 3))
        out.append(fig)
    return out


_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_list(env: dict[str, str], top: int = 15) -> dict:
    """`-X importtime` of one validate run: top-level imports by cumulative time, totals, and
    whether heavy packages validate must not need were loaded."""
    script = console_script()
    cmd = [PYTHON, "-X", "importtime", *script[1:]] if script[0] == PYTHON else \
        [PYTHON, "-X", "importtime", script[0]]
    proc = subprocess.run([*cmd, "validate", SAMPLE], env=env, cwd=ROOT, capture_output=True,
                          check=False)
    rows = []
    for line in proc.stderr.decode().splitlines():
        m = _LINE.match(line)
        if m:
            rows.append((m.group(4), int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2))
    names = {r[0] for r in rows}
    roots = sorted((r for r in rows if r[3] == 0), key=lambda r: -r[2])
    heaviest = sorted(rows, key=lambda r: -r[1])[:top]
    return {
        "command": " ".join([*cmd, "validate", SAMPLE]),
        "modules": len(rows),
        "total_ms": round(sum(r[1] for r in rows) / 1000, 1),
        "top_cumulative_ms": [(n, round(c / 1000, 1)) for n, _, c, _ in roots[:top]],
        "top_self_ms": [(n, round(s / 1000, 1)) for n, s, _, _ in heaviest],
        "heavy_loaded": sorted({w for w in WATCHED for n in names
                                if n == w or n.startswith(w + ".")}),
    }
