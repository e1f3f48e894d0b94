"""Figure 5: peak memory (max RSS) of whole `aksnet` processes, beside the import floor's.

Each command runs as a child process and `os.wait4` reads that child's own rusage, so the figure
is the process's peak resident set, imports included. The fleet figure is the real CLI over
1,000 intent files: `aksnet render <files> --target terraform --out DIR`, which holds every plan
and every rendered file before it writes anything.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import fleet
from bench.coldstart import FLOOR, SAMPLE
from bench.common import PYTHON, Figure, console_script, max_rss, median, missing

UNIT = "MiB"


def _peak(cmd: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    peaks, walls = [], []
    for _ in range(runs):
        start = time.perf_counter()
        kib, code = max_rss(cmd, env)
        walls.append(time.perf_counter() - start)
        if code not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {code}")
        peaks.append(kib / 1024)
    return peaks, walls


def measure(folder: Path, env: dict[str, str], runs: int, fleet_runs: int,
            count: int = 1000) -> list[Figure]:
    aksnet = console_script()
    floor, _ = _peak([PYTHON, "-c", FLOOR], env, runs)
    ref = median(floor)
    validate, _ = _peak([*aksnet, "validate", SAMPLE], env, runs)
    out = [
        Figure("memory.floor", f'max RSS: python -c "{FLOOR}"', ref, UNIT, samples=floor),
        Figure("memory.validate", f"max RSS: aksnet validate {SAMPLE}", median(validate), UNIT,
               reference="import floor", reference_value=ref, samples=validate),
    ]
    fid, label = "memory.fleet-render", f"max RSS: aksnet render {count:,} intents (terraform)"
    why = fleet.renderer_status("terraform")
    if why:
        out.append(missing(fid, label, UNIT, None, why))
        return out
    paths = fleet.write_fleet(folder / f"fleet-{count}", count)
    cmd = [*aksnet, "render", *map(str, paths), "--target", "terraform",
           "--out", str(folder / "render-out"), "--force"]
    peaks, walls = _peak(cmd, env, fleet_runs)
    fig = Figure(fid, label, median(peaks), UNIT, reference="import floor", reference_value=ref,
                 samples=peaks)
    fig.extra.update(process_wall_s=round(median(walls), 3),
                     process_intents_per_s=round(count / median(walls), 1),
                     kib_per_intent=round((median(peaks) - ref) * 1024 / count, 1))
    out.append(fig)
    return out
