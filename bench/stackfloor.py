"""The stack floor: the least a CLI on aksnet's stack can cost, as a second cold-start reference.

A Typer app with two commands whose `validate` reads a YAML file and validates it against one
small frozen pydantic model. `python -c "import typer, jinja2, pydantic"` (the import floor)
does not run a Typer command, and pydantic's top-level import is lazy, so it does not load
pydantic's validation machinery either; every real command pays both. Run by coldstart.py as
`python bench/stackfloor.py validate samples/overlay.yaml`.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import BaseModel, ConfigDict

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


class Intent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    name: str
    location: str


class Format(StrEnum):
    text = "text"
    json = "json"


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument()],
             format: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    for path in paths:
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        print(Intent.model_validate(data).name)


@app.command()
def other() -> None:
    """A second command, so that Typer builds a group as aksnet's does."""


if __name__ == "__main__":
    app()
