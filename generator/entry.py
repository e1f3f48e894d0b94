"""The `aksnet` console script.

`aksnet validate FILE...` and `aksnet plan FILE` are what people run most, often from editors and
pre-commit hooks, so they have to answer in a blink. Typer costs those calls a fifth of their
time (importing it, then building a pydantic TypeAdapter per parameter before the command runs).
So the plain offline forms of the two (intent files and `--format`/`-f`, nothing else) go
straight to their bodies in `generator.commands`; every other command line, including every
mistake, goes to the Typer app in `generator.cli`, which owns help, errors and all the other
options. `tests/test_entry.py` holds the two parsers to the same answers.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.commands import PLAN_FORMATS, VALIDATE_FORMATS

FORMATS = {"validate": VALIDATE_FORMATS, "plan": PLAN_FORMATS}


def parse_fast(argv: Sequence[str]) -> tuple[str, list[Path], str] | None:
    """(command, intent files, format) for a plain offline validate or plan; None for anything
    else, which Typer handles (and reports, if it is wrong)."""
    if not argv or argv[0] not in FORMATS:
        return None
    command, fmt, files = argv[0], "text", []
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("--format", "-f"):
            fmt = next(rest, None)
        elif arg.startswith("--format="):
            fmt = arg.partition("=")[2]
        elif arg.startswith("-"):
            return None  # help, --live, --, a file named "-x": Typer's to answer
        else:
            files.append(Path(arg))
    if fmt not in FORMATS[command] or not files or (command == "plan" and len(files) > 1):
        return None
    return command, files, fmt


def run(argv: Sequence[str]) -> int:
    """Run a fast-path command line and return its exit code."""
    parsed = parse_fast(argv)
    if parsed is None:
        raise ValueError(f"not a fast-path command line: {list(argv)}")
    return _run(*parsed)


def _run(command: str, files: list[Path], fmt: str) -> int:
    from generator import plugins

    plugins.defer()
    # What is imported now lives to the end of the process: collecting it while it is made is
    # wasted work, so collection waits until the imports are done and then skips them.
    gc.disable()
    from generator import commands, validate  # noqa: F401 - imported here for the line above

    if command == "plan" and fmt == "text":
        from generator import plantext  # noqa: F401 - the tables
    gc.freeze()
    gc.enable()
    if command == "validate":
        return commands.validate(files, fmt)
    return commands.plan(files[0], fmt)


def main() -> None:
    parsed = parse_fast(sys.argv[1:])
    if parsed is None:
        from generator.cli import app

        app(prog_name="aksnet")
        return
    try:
        code = _run(*parsed)
    except BrokenPipeError:  # `aksnet validate ... | head`: the reader left early
        code = 141  # what a shell reports for a command ended by SIGPIPE
    except KeyboardInterrupt:  # as the Typer app answers Ctrl-C
        print("\nAborted!", file=sys.stderr)
        code = 1
    _exit(code)


def _exit(code: int) -> None:
    """Flush and leave without the interpreter's teardown, which frees every object one by one
    (a tenth of the start-up again). Nothing on the fast path needs it: no threads, no temporary
    files, no atexit work; it neither writes files nor starts Azure clients."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 141
    os._exit(code)
