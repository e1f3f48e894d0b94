"""What apply shows. Progress goes to stderr: a live rich table per resource on a terminal, plain
lines otherwise, one JSON object per line with `--format json`. The preview (what would change),
the findings and the result go to stdout: text tables, or one JSON document with `--format json`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from generator.provision.diff import Change

if TYPE_CHECKING:
    from generator.provision.apply import Event, Outcome
    from generator.rules.core import Finding

ICONS = {"waiting": "…", "creating": "+", "updating": "~", "retrying": "↻", "done": "✓",
         "failed": "✗", "skipped": "-"}
STYLES = {"done": "green", "failed": "red", "skipped": "yellow", "retrying": "yellow"}


def label(change: Change) -> str:
    return f"{change.resource.type.split('/', 1)[-1]}/{change.resource.name}"


def short_type(rtype: str) -> str:
    return rtype.removeprefix("Microsoft.")


def console(out: TextIO | None):
    from rich.console import Console

    out = out or sys.stdout
    return Console(file=out, width=None if out.isatty() else 160)


class Progress:
    """Receives apply events from worker threads and shows them on stderr."""

    def __init__(self, fmt: str, changes: list[Change], err: TextIO | None = None):
        self.fmt, self.err = fmt, err or sys.stderr
        self.changes = {c.ref: c for c in changes}
        self.rows: dict[str, list[Any]] = {}  # ref -> [state, started, elapsed, detail]
        self.live = None
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        if self.fmt == "text" and self.err.isatty():
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self._table(), console=Console(file=self.err), refresh_per_second=8,
                             get_renderable=self._table)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    def __call__(self, event: Event) -> None:
        with self._lock:
            row = self.rows.setdefault(event.ref, [event.state, time.monotonic(), 0.0, ""])
            row[0], row[3] = event.state, event.detail
            if event.state in ("creating", "updating"):
                row[1] = time.monotonic()
            row[2] = event.elapsed
            if self.live is None:
                self._line(event)

    def _line(self, event: Event) -> None:
        change = self.changes.get(event.ref)
        name = label(change) if change else event.ref
        if self.fmt == "json":
            print(json.dumps({"event": event.state, "resource": event.ref,
                              "elapsed": round(event.elapsed, 3), "detail": event.detail}),
                  file=self.err, flush=True)
        elif event.state != "waiting":
            took = f" ({event.elapsed:.1f}s)" if event.state in ("done", "failed") else ""
            detail = f": {event.detail}" if event.detail else ""
            print(f"  {event.state:<9} {name}{took}{detail}", file=self.err, flush=True)

    def _table(self):
        from rich.table import Table

        table = Table(box=None, show_header=False, pad_edge=False)
        now = time.monotonic()
        with self._lock:
            rows = list(self.rows.items())
        for ref, (state, started, elapsed, detail) in rows:
            running = state in ("creating", "updating", "retrying")
            took = now - started if running else elapsed
            change = self.changes.get(ref)
            style = STYLES.get(state, "")
            table.add_row(f"[{style}]{ICONS.get(state, ' ')} {state}[/]" if style else
                          f"{ICONS.get(state, ' ')} {state}", label(change) if change else ref,
                          f"{took:5.1f}s" if state != "waiting" else "", detail)
        return table


# --- stdout: preview, findings, result ----------------------------------------------------------


def changes_json(changes: list[Change]) -> list[dict[str, Any]]:
    return [{"type": c.resource.type, "name": c.resource.name, **c.as_json()} for c in changes]


def print_changes(changes: list[Change], out: TextIO | None = None) -> None:
    from rich.table import Table

    table = Table(title="Changes", title_justify="left")
    for col in ("action", "type", "name", "properties"):
        table.add_column(col)
    for c in changes:
        table.add_row(c.action, short_type(c.resource.type), c.resource.name,
                      ", ".join(c.properties))
    counts = count(c.action for c in changes)
    shown = console(out)
    shown.print(table)
    shown.print("plan: " + ", ".join(f"{n} to {k}" if k in ("create", "update") else f"{n} {k}"
                                       for k, n in counts.items()))


def print_findings(findings: tuple[Finding, ...], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for f in findings:
        where = f"{f.intent}:{f.line}" if f.line else f.intent
        print(f"{where}  {f.rule}  {f.severity}  {f.message}", file=out)
        for key, value in (("at", f.path), ("fix", f.fix), ("docs", f.docs)):
            if value:
                print(f"    {key}: {value}", file=out)


def outcome_json(o: Outcome) -> dict[str, Any]:
    out = {"type": o.change.resource.type, "name": o.change.resource.name,
           "action": o.change.action, "properties": list(o.change.properties),
           "status": o.status, "elapsed": round(o.elapsed, 3), "attempts": o.attempts,
           "exists": o.exists}
    if o.error:
        out.update(error=o.error, code=o.code)
    return out


def print_result(outcomes: list[Outcome], elapsed: float, out: TextIO | None = None) -> None:
    from rich.table import Table

    table = Table(title="Result", title_justify="left")
    for col in ("result", "action", "type", "name", "time", "error"):
        table.add_column(col)
    for o in outcomes:
        style = STYLES.get(o.status, "")
        status = f"[{style}]{o.status}[/]" if style else o.status
        took = f"{o.elapsed:.1f}s" if o.attempts else ""
        table.add_row(status, o.change.action, short_type(o.change.resource.type),
                      o.change.resource.name, took, o.error)
    shown = console(out)
    shown.print(table)
    shown.print(summary(outcomes, elapsed))
    missing = [o for o in outcomes if not o.exists]
    if missing:
        shown.print("does not exist yet: " + ", ".join(label(o.change) for o in missing))
    if any(o.status in ("failed", "skipped") for o in outcomes):
        shown.print("re-run `aksnet apply` once the cause is fixed: it continues where this "
                      "run stopped and creates nothing twice")


def summary(outcomes: list[Outcome], elapsed: float) -> str:
    done = count(f"{o.change.action}d" if o.status == "done" else o.status for o in outcomes)
    parts = [f"{n} {k}" for k, n in done.items()]
    return f"apply: {', '.join(parts) or 'nothing to do'} in {elapsed:.1f}s"


def count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
