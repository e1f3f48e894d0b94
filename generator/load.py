"""Intent file -> (Intent, SourceMap).

Everything that stops us from reading a file becomes an `INTENT` finding with the key path and the
line, raised together in one `IntentUnreadable` (exit 2): I/O problems, binary or oversized files,
YAML syntax, duplicate keys, wrong types, bad CIDRs and unknown keys (with a did-you-mean).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from generator.errors import IntentUnreadable
from generator.intent import Intent
from generator.rules.core import ERROR, Finding

MAX_BYTES = 1024 * 1024  # an intent is a few KB; anything this large is not one
SCHEMA_HINT = "see `aksnet schema` for the intent format, or `aksnet init` for a starter"

try:  # the C loader is several times faster; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Key path (YAML spelling, e.g. `nodePools[1].maxPods`) -> 1-based line."""

    lines: dict[str, int]

    def line_for(self, path: str) -> int | None:
        # An omitted key falls back to its nearest present parent.
        while path:
            if path in self.lines:
                return self.lines[path]
            path = _parent(path)
        return self.lines.get("", 1)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join_path(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else str(key)


def load_intent(path: str | Path) -> tuple[Intent, SourceMap]:
    source = str(path)
    try:
        data = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_BYTES else None
    except OSError as exc:
        raise _unreadable(source, "", f"cannot read {source}: {exc.strerror or exc}", None) from None
    if data is None:
        size = Path(path).stat().st_size / 1e6
        raise _unreadable(source, "", f"{source} is {size:.1f} MB; an intent is a few KB", None)
    return load_intent_bytes(data, source)


def load_intent_bytes(data: bytes, source: str) -> tuple[Intent, SourceMap]:
    if len(data) > MAX_BYTES:
        raise _unreadable(source, "", f"{source} is {len(data) / 1e6:.1f} MB; an intent is a few KB")
    if b"\x00" in data:
        raise _unreadable(source, "", f"{source} is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unreadable(source, "", f"{source} is not UTF-8 text (byte {exc.start})") from None
    raw, lines = _parse_yaml(text, source)
    if raw is None:
        raise _unreadable(source, "", f"{source} is empty; an intent needs at least name and location")
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise _unreadable(source, "", f"{source} holds a {kind}; an intent is a mapping of keys")
    smap = SourceMap(lines)
    try:
        return Intent.model_validate(raw), smap
    except ValidationError as exc:
        findings = tuple(_finding(err, smap, source) for err in exc.errors(include_url=False))
        raise IntentUnreadable(f"{source}: the intent could not be read", findings) from None


def _unreadable(source: str, path: str, message: str, line: int | None = 1) -> IntentUnreadable:
    finding = Finding("INTENT", ERROR, path, message, line, SCHEMA_HINT, "", source)
    return IntentUnreadable(message, (finding,))


def _parse_yaml(text: str, source: str) -> tuple[object, dict[str, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        _walk(node, "", lines, source)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        raise _unreadable(source, "", f"YAML syntax error: {what}", line) from None
    except yaml.YAMLError as exc:
        raise _unreadable(source, "", f"YAML error: {exc}") from None
    except RecursionError:
        raise _unreadable(source, "", "YAML nests too deeply to be an intent") from None
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: str, lines: dict[str, int], source: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                child = join_path(path, key)
                msg = f"duplicate key '{child}' (first on line {seen[key]}); YAML keeps only one"
                raise _unreadable(source, child, msg, line)
            seen[key] = line
            child = join_path(path, key)
            lines[child] = line
            _walk(value_node, child, lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = join_path(path, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines, source)


def _finding(err: dict, smap: SourceMap, source: str) -> Finding:
    loc = tuple(part for part in err["loc"] if not _is_union_tag(part))
    path = ""
    for part in loc:
        path = join_path(path, part)
    kind = err["type"]
    fix = SCHEMA_HINT
    if kind == "extra_forbidden":
        parent_loc, key = loc[:-1], str(loc[-1])
        known = _keys_at(parent_loc)
        guess = _did_you_mean(key, known)
        message = f"unknown key '{key}'" + (f"; did you mean '{guess}'?" if guess else "")
        fix = f"rename it to '{guess}'" if guess else f"remove it; known keys: {', '.join(known)}"
    elif kind == "missing":
        message = f"missing required key '{path}'"
        fix = f"add '{loc[-1]}'"
    else:
        detail = err["msg"].removeprefix("Value error, ")
        shown = repr(err.get("input")) if not isinstance(err.get("input"), dict | list) else ""
        message = f"{path}: {detail}" + (f" (got {shown})" if shown and len(shown) < 80 else "")
    return Finding("INTENT", ERROR, path, message, smap.line_for(path), fix, "", source)


def _is_union_tag(part: object) -> bool:
    # pydantic puts the union member's type name in the location (`int`, `str`, `function-after`)
    return isinstance(part, str) and (part in {"int", "str"} or "[" in part or "-" in part)


def _did_you_mean(key: str, known: list[str]) -> str | None:
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _keys_at(loc: tuple) -> list[str]:
    model: object = Intent
    for part in loc:
        model = _inner(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(f.alias or name for name, f in model.model_fields.items())
    return []


def _inner(model: object, part: object) -> object:
    if isinstance(part, int):
        args = typing.get_args(model)
        return _unwrap(args[0]) if args else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return _unwrap(field.annotation)
    return None


def _unwrap(annotation: object) -> object:
    # Optional[X] -> X; list[X] stays a list for the index step
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation
