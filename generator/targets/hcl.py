"""HCL value formatting for the Terraform target: `hcl` prints a plan value as HCL, `align` lines up
`=` the way `terraform fmt` (hclwrite) does, so the output is already canonical.
"""

from __future__ import annotations

import re
from typing import Any


class Expr(str):
    """A raw HCL expression: printed as it is, never quoted."""


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ASSIGN = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")\s*=(?![=>])\s*(.*)$')


def quote(text: str) -> str:
    out = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{out}"'


def hcl(value: Any, indent: int = 0) -> str:
    """One value as HCL; multi-line lists and objects are indented from column `indent`."""
    pad = " " * indent
    if isinstance(value, Expr):
        return str(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list | tuple):
        if not any(isinstance(v, dict | list | tuple) for v in value):
            return "[" + ", ".join(hcl(v) for v in value) + "]"
        items = "".join(f"{pad}  {hcl(v, indent + 2)},\n" for v in value)
        return f"[\n{items}{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(
            f"{pad}  {k if _IDENT.match(k) else quote(k)} = {hcl(v, indent + 2)}\n"
            for k, v in value.items()
        )
        return f"{{\n{items}{pad}}}"
    raise TypeError(f"no HCL form for {type(value).__name__}")


def align(text: str) -> str:
    """Align `=` in runs of one-line assignments, as `terraform fmt` (hclwrite) does.

    A run ends at any other line: a blank line, a comment, a block, or an assignment whose value
    continues on the next lines (`x = {`, `y = [`, `z = try(`), which is itself never padded.
    The templates open a multi-line value only at the end of a line.
    """
    out: list[str] = []
    run: list[tuple[str, str, str]] = []

    def flush() -> None:
        width = max((len(k) for _, k, _ in run), default=0)
        out.extend(f"{ind}{k.ljust(width)} = {v}" for ind, k, v in run)
        run.clear()

    for line in text.split("\n"):
        match = _ASSIGN.match(line)
        if match and not match.group(3).endswith(("{", "[", "(")):
            run.append(match.groups())
            continue
        flush()
        out.append(f"{match.group(1)}{match.group(2)} = {match.group(3)}" if match else line)
    flush()
    return "\n".join(out)
