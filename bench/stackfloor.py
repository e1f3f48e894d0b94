"""The stack floors: the least a command on aksnet's stack can cost, as cold-start references.

The import floor, `python -c "import typer, jinja2, pydantic"`, loads none of what the commands
actually stand on: pydantic's top-level import is lazy (its validation machinery loads with the
first model), and it has no YAML and no rich. This script does only that part of the work:

- `validate FILE`: read the YAML file and validate it against one small frozen pydantic model,
  with pydantic's plugin lookup deferred as aksnet defers it. What `aksnet validate` and
  `aksnet plan --format json` cannot go below.
- `plan FILE`: the same, then print the file's keys and values as three rich tables of the size
  of the plan's (about 25 rows). What `aksnet plan` (text, rich tables) cannot go below.

No Typer: aksnet's console script does not run Typer for these command lines either. Like it,
the script collects no garbage while importing and leaves without the interpreter's teardown
(neither is work a command needs). Run by coldstart.py as
`python bench/stackfloor.py validate samples/overlay.yaml`.
"""

import gc
import os
import sys
from pathlib import Path

gc.disable()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import plugins  # noqa: E402

plugins.defer()

import yaml  # noqa: E402
from pydantic import BaseModel, ConfigDict  # noqa: E402


class Intent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    name: str
    location: str


def leaves(data, path=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, f"{path}[{i}]")
    else:
        yield path, str(data)


def tables(data) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(markup=False, emoji=False, highlight=False)
    rows = list(leaves(data))
    for title, part in (("one", rows[0::3]), ("two", rows[1::3]), ("three", rows[2::3])):
        table = Table(title=title, title_justify="left")
        for column in ("key", "value", "length", "note"):
            table.add_column(column, overflow="fold")
        for key, value in part:
            table.add_row(key, value, str(len(value)), "")
        console.print(table)


def main(command: str, path: str) -> None:
    if command == "plan":
        import rich.console  # noqa: F401 - imported with the others, as aksnet's plan does
        import rich.table  # noqa: F401
    gc.freeze()
    gc.enable()
    data = yaml.load(Path(path).read_bytes(), Loader=yaml.CSafeLoader)
    intent = Intent.model_validate(data)
    if command == "plan":
        tables(data)
    else:
        print(intent.name)


if __name__ == "__main__":
    main(*sys.argv[1:3])
    sys.stdout.flush()
    os._exit(0)
