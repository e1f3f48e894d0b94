"""Check an ARM request body against the azure-mgmt model metadata.

The SDK's hybrid models take any dict without complaint (``networkPluginMod`` is sent as it
is), so this walks the field tables from ``armtypes`` instead and reports:

* ``unknown``     error    key the model does not have (with a did-you-mean);
* ``readonly``    error    key the server sets (skipped with ``ignore_readonly=True``);
* ``required``    error    required key missing or null;
* ``type``        error    e.g. a dict where a string belongs; in ``arm_envelope`` mode a plain
                           string where a number or bool belongs is only a warning, because
                           pycep-parser renders a Bicep identifier (``count: nodeCount``) as one;
* ``enum``        warning  value not in the SDK enum (ARM enums are extensible, case-insensitive);
* ``create_only`` info     key that cannot be changed after creation.

Bicep/ARM expressions are skipped (see ``is_expression``). The checked API version is the SDK's,
not the one pinned in a template.

CLI: ``python -m tests.support.bodycheck <ArmType> body.json [--arm] [--ignore-readonly]``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .armtypes import Field, Table, TypeNode, model_for, subtype_for, table_for

__all__ = [
    "ENVELOPE_KEYS",
    "Expression",
    "Problem",
    "check_body",
    "is_expression",
    "model_for",
    "register_expression",
]

# Keys of an ARM template resource or a Bicep/pycep resource that are not part of the body.
ENVELOPE_KEYS = frozenset(
    {
        "type", "apiVersion", "api_version", "name", "dependsOn", "scope", "parent",
        "condition", "copy", "comments", "existing", "resources", "decorators",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    kind: str  # unknown | readonly | required | enum | create_only | type
    path: str  # properties.networkProfile.networkPluginMod
    message: str
    severity: str  # error | warning | info

    def __str__(self) -> str:
        return f"{self.severity:<7} {self.kind:<11} {self.path or '<body>'}: {self.message}"


@dataclass(frozen=True)
class Expression:
    """Marks a value computed at deployment time; ``text`` is shown only to humans."""

    text: str = ""


_PREDICATES: list[Callable[[Any], bool]] = []


def register_expression(predicate: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Add a test for values that are expressions; usable as a decorator."""
    _PREDICATES.append(predicate)
    return predicate


def is_expression(value: Any) -> bool:
    """True for values that are not literal JSON and so are not type-checked.

    * ARM template expressions: ``"[parameters('x')]"`` (but not the escaped literal ``"[[x]"``);
    * Bicep string interpolation as pycep-parser keeps it: ``"aks-${suffix}"``;
    * pycep-parser expression trees: a dict whose only key is ``operator`` or ``function``;
    * an ``Expression`` instance, or any object with a true ``is_expression`` attribute;
    * anything a ``register_expression`` predicate accepts.
    """
    if isinstance(value, str):
        arm = value.startswith("[") and value.endswith("]") and not value.startswith("[[")
        if arm or "${" in value:
            return True
    elif isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("operator", "function"):
            return True
    elif isinstance(value, Expression) or getattr(value, "is_expression", False) is True:
        return True
    return any(predicate(value) for predicate in _PREDICATES)


def check_body(
    model: type, body: Any, arm_envelope: bool = False, ignore_readonly: bool = False
) -> list[Problem]:
    """All problems of ``body`` (a JSON-like dict) against ``model``, in document order."""
    walker = _Walker(arm_envelope, ignore_readonly)
    walker.value(TypeNode("model", model=model), body, "", top=True)
    return walker.problems


_IDENT = re.compile(r"^[A-Za-z_$@][\w$@-]*$")
_JSON_KIND = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
_SCALAR_NAME = {"int": "an integer", "float": "a number", "bool": "a boolean"}


def _join(path: str, key: str) -> str:
    if _IDENT.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _describe(value: Any) -> str:
    for py_type, name in _JSON_KIND.items():
        if isinstance(value, py_type):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


class _Walker:
    def __init__(self, arm_envelope: bool, ignore_readonly: bool) -> None:
        self.arm = arm_envelope
        self.ignore_readonly = ignore_readonly
        self.problems: list[Problem] = []

    def add(self, kind: str, path: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(kind, path, message, severity))

    def value(self, node: TypeNode, value: Any, path: str, top: bool = False) -> None:
        if value is None or is_expression(value) or node.kind == "any":
            return
        kind = node.kind
        if kind == "list" and isinstance(value, dict) and "loop_type" in value:
            # a pycep-parser ``[for x in xs: {...}]``: check its body as one item
            self.value(node.item, value.get("config"), f"{path}[*]")
        elif kind in ("model", "object", "dict", "list"):
            expected = list if kind == "list" else dict
            if not isinstance(value, expected):
                self.add("type", path, f"expected {_JSON_KIND[expected]}, got {_describe(value)}")
            elif kind == "list":
                for index, item in enumerate(value):
                    self.value(node.item, item, f"{path}[{index}]")
            elif kind == "dict":
                for key, item in value.items():
                    self.value(node.item, item, _join(path, str(key)))
            elif kind == "object":
                self.object(Table(node.fields), value, path, top)
            else:
                model = subtype_for(node.model, value)
                self.object(table_for(model), value, path, top)
        else:
            self.scalar(node, value, path)

    def scalar(self, node: TypeNode, value: Any, path: str) -> None:
        wanted = _SCALAR_NAME.get(node.kind, "a string")
        if isinstance(value, (dict, list)):
            self.add("type", path, f"expected {wanted}, got {_describe(value)}")
        elif not _scalar_ok(node.kind, value):
            # pycep-parser shows a Bicep identifier (``count: nodeCount``) as a plain string
            soft = self.arm and isinstance(value, str)
            hint = " (a Bicep identifier?)" if soft else ""
            severity = "warning" if soft else "error"
            self.add("type", path, f"expected {wanted}, got {_describe(value)}{hint}", severity)
        elif node.kind == "enum" and node.values and not _in_enum(value, node.values):
            allowed = ", ".join(node.values)
            self.add("enum", path, f"{value!r} is not one of: {allowed}", "warning")

    def object(self, table: Table, value: dict, path: str, top: bool) -> None:
        skip_envelope = top and self.arm
        for key, item in value.items():
            sub = _join(path, str(key))
            if skip_envelope and key in ENVELOPE_KEYS:
                continue
            field = table.fields.get(key)
            if field is None and key == "copy" and self.arm and isinstance(item, list):
                self.property_copy(table, item, path)
                continue
            if field is None:
                if not table.extra_keys:
                    self.add("unknown", sub, _unknown_message(str(key), table))
                continue
            self.field(field, item, sub)
        loops = value.get("copy") if self.arm and isinstance(value.get("copy"), list) else []
        copied = {loop.get("name") for loop in loops if isinstance(loop, dict)}
        for name, field in table.fields.items():
            if not field.required or value.get(name) is not None or name in copied:
                continue
            if not (skip_envelope and name in ENVELOPE_KEYS):
                self.add("required", _join(path, name), "required property is missing")

    def property_copy(self, table: Table, loops: list, path: str) -> None:
        """ARM template property iteration: ``"copy": [{"name", "count", "input"}]``."""
        for index, loop in enumerate(loops):
            name = loop.get("name") if isinstance(loop, dict) else None
            field = table.fields.get(name) if isinstance(name, str) else None
            if field is None or field.type.kind != "list":
                where = _join(path, "copy") + f"[{index}]"
                self.add("unknown", where, f"copy loop names no list property: {name!r}")
            elif "input" in loop:
                self.field(
                    replace(field, type=field.type.item), loop["input"], _join(path, name) + "[*]"
                )

    def field(self, field: Field, item: Any, path: str) -> None:
        if field.readonly:
            if not self.ignore_readonly:
                self.add("readonly", path, "read-only: set by the server, rejected or ignored")
                return
        elif field.create_only:
            self.add("create_only", path, "can only be set at creation", "info")
        self.value(field.type, item, path)


def _scalar_ok(kind: str, value: Any) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return number and float(value).is_integer()
    if kind == "float":
        return number
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "enum":  # a few enums are numeric: Union[int, SomeEnum]
        return isinstance(value, str) or number
    return isinstance(value, str)


def _in_enum(value: Any, allowed: tuple[str, ...]) -> bool:
    return str(value).casefold() in {v.casefold() for v in allowed}


def _unknown_message(key: str, table: Table) -> str:
    names = list(table.fields)
    same_case = [n for n in names if n.casefold() == key.casefold()]
    if same_case:
        return f"unknown property (case differs: {same_case[0]!r})"
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
    return f"unknown property (did you mean {close[0]!r}?)" if close else "unknown property"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.bodycheck",
        description="Check a JSON request body against the azure-mgmt model for an ARM type.",
    )
    parser.add_argument("arm_type", help="e.g. Microsoft.Network/virtualNetworks")
    parser.add_argument("body", help="JSON file with the request body ('-' for stdin)")
    parser.add_argument("--arm", action="store_true", help="ignore ARM/Bicep envelope keys")
    parser.add_argument("--ignore-readonly", action="store_true", help="do not report readonly")
    args = parser.parse_args(argv)
    try:
        model = model_for(args.arm_type)
        if args.body == "-":
            body = json.load(sys.stdin)
        else:
            with open(args.body, encoding="utf-8") as handle:
                body = json.load(handle)
    except (KeyError, OSError, ValueError) as exc:
        print(f"bodycheck: {exc}", file=sys.stderr)
        return 2
    problems = check_body(model, body, arm_envelope=args.arm, ignore_readonly=args.ignore_readonly)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    print(f"{model.__name__}: {errors} error(s), {len(problems) - errors} other", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
