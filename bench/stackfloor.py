"""The stack floors: the least a command on aksnet's stack can cost, as cold-start references.

The import floor, `python -c "import typer, jinja2, pydantic"`, loads none of what the commands
actually stand on: pydantic's top-level import is lazy (its validation machinery loads with the
first model), and it has no YAML. This script does only that part of the work: `validate FILE`
reads the YAML file and validates it against one small frozen pydantic model, with pydantic's
plugin lookup and PyYAML's unused reader pattern deferred as aksnet defers them. What
`aksnet validate` and `aksnet plan` (text or JSON) cannot go below: plan text is formatted by
aksnet's own table writer, whose cost is a string join.

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
from generator.yamlimport import import_yaml  # noqa: E402

plugins.defer()
yaml = import_yaml()  # as aksnet imports it: the pure-Python reader's pattern deferred

from pydantic import BaseModel, ConfigDict  # noqa: E402


class Intent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    name: str
    location: str


def main(command: str, path: str) -> None:
    if command != "validate":
        raise SystemExit(f"usage: stackfloor.py validate FILE (not {command!r})")
    gc.freeze()
    gc.enable()
    data = yaml.load(Path(path).read_bytes(), Loader=yaml.CSafeLoader)
    print(Intent.model_validate(data).name)


if __name__ == "__main__":
    main(*sys.argv[1:3])
    sys.stdout.flush()
    os._exit(0)
