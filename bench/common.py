"""Shared pieces of the benchmarks: a figure, medians, subprocess timing and machine facts."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NOT_AVAILABLE = "not available"


@dataclass
class Figure:
    """One row of the table and of results.json.

    `value` and `reference` are medians measured in the same run; `ratio` is value / reference,
    which is what holds on a noisy machine. `passed` is None when there is no target or the
    figure could not be measured (then `note` says why and `value` is None).
    """

    id: str
    figure: str
    value: float | None
    unit: str
    reference: str | None = None
    reference_value: float | None = None
    target: str | None = None
    passed: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference_value:
            return None
        return self.value / self.reference_value

    def as_json(self) -> dict:
        out = asdict(self)
        out["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        out["pass"] = out.pop("passed")
        out["value"] = _round(self.value)
        out["reference_value"] = _round(self.reference_value)
        out["samples"] = [_round(s) for s in self.samples]
        return out


def missing(fid: str, name: str, unit: str, target: str | None, why: str) -> Figure:
    return Figure(fid, name, None, unit, target=target, note=f"{NOT_AVAILABLE}: {why}")


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, 6) if abs(value) < 100 else round(value, 1)


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_env(pycache: Path) -> dict[str, str]:
    """The child environment: bytecode cached (as in an installed copy, but in a private folder
    so the checkout stays clean), no colour, no inherited profiling switches."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONSTARTUP",
                        "PYTHONTRACEMALLOC", "PYTHONDEVMODE", "AKSNET_ARM_ENDPOINT")}
    env.update(PYTHONPYCACHEPREFIX=str(pycache), NO_COLOR="1", TERM="dumb", COLUMNS="100")
    return env


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds of one whole process, its exit code and stderr."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    return time.perf_counter() - start, proc.returncode, proc.stderr


# A small parent for the measured process. ru_maxrss is a high-water mark that a child inherits
# from the process it was forked from and keeps across exec, so a child forked straight from this
# (large) benchmark process would report at least this process's size. The launcher is a fresh,
# small interpreter (-I -S: no site, about 8 MiB); it forks the command and reports the command's
# own rusage on stderr.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
sys.stderr.write("%d %d\\n" % (usage.ru_maxrss, os.waitstatus_to_exitcode(status)))
"""


def max_rss(cmd: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Peak resident set size of one process running `cmd`, in KiB (Linux ru_maxrss), and its
    exit code."""
    proc = subprocess.run([PYTHON, "-I", "-S", "-c", _LAUNCHER, *cmd], env=env, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    kib, code = proc.stderr.decode().split()[-2:]
    return int(kib), int(code)


def console_script() -> list[str]:
    """`aksnet` as a user runs it: the venv's console script, else `python -m generator`."""
    script = Path(sys.prefix) / "bin" / "aksnet"
    return [str(script)] if script.exists() else [PYTHON, "-m", "generator"]


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "executable": PYTHON,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_mb"] = int(mem) // 1024
        info["load_average"] = list(os.getloadavg())
    except OSError:
        pass
    try:
        from importlib.metadata import version

        info["packages"] = {p: version(p) for p in ("aksnet", "typer", "jinja2", "pydantic",
                                                    "pyyaml")}
    except Exception:  # facts only, never fatal
        pass
    return info
