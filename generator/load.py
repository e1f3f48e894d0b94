"""Intent file -> (Intent, SourceMap).

Everything that stops us from reading a file becomes an `INTENT` finding with the key path and the
line, raised together in one `IntentUnreadable` (exit 2): I/O problems, binary or oversized files,
YAML syntax, duplicate keys, wrong types, bad CIDRs and unknown keys (with a did-you-mean).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ValidationError

from generator.errors import IntentUnreadable
from generator.intent import Intent
from generator.record import record
from generator.rules.core import ERROR, Finding
from generator.yamlimport import import_yaml

yaml = import_yaml()  # without compiling the pure-Python reader's pattern (yamlimport.py)

MAX_BYTES = 1024 * 1024  # an intent is a few KB; anything this large is not one
SCHEMA_HINT = "see `aksnet schema` for the intent format, or `aksnet init` for a starter"

try:  # the C loader is several times faster; fall back where libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@record
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
        with open(path, "rb") as handle:
            data = _read_capped(handle)
    except OSError as exc:
        reason = exc.strerror or exc
        # Line 1, as ruff reports an unreadable file (E902): every INTENT finding has a line.
        raise _unreadable(source, "", f"cannot read {source}: {reason}") from None
    if len(data) > MAX_BYTES:
        raise _unreadable(source, "", f"{source} is larger than {MAX_BYTES // 1024} KB; "
                                      "an intent is a few KB")
    return load_intent_bytes(data, source)


CHUNK = 64 * 1024


def _read_capped(handle) -> bytes:
    """At most one byte past the limit: a huge file (or an endless device) is refused without
    reading it all, and a file that grows while it is read is still caught. Read in chunks: a
    single read of the limit allocates a megabyte for every few-KB intent of a fleet."""
    chunks, left = [], MAX_BYTES + 1
    while left > 0:
        chunk = handle.read(min(CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def load_intent_bytes(data: bytes, source: str) -> tuple[Intent, SourceMap]:
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 1e6:.1f} MB"
        raise _unreadable(source, "", f"{source} is {size}; an intent is a few KB")
    if b"\x00" in data:
        raise _unreadable(source, "", f"{source} is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"{source} is not UTF-8 text (byte {exc.start}, line {line}); save it as UTF-8"
        raise _unreadable(source, "", message, line) from None
    raw, lines, scalars = _parse_yaml(text, source)
    if raw is None:
        raise _unreadable(source, "", f"{source} is empty; an intent needs at least name and "
                                      "location")
    if not isinstance(raw, dict):
        kind = _KINDS.get(type(raw), f"a {type(raw).__name__}")
        raise _unreadable(source, "", f"{source} holds {kind}; an intent is a mapping of keys "
                                      "(name: ..., location: ...)")
    smap = SourceMap(lines)
    try:
        # YAML keys are the camelCase spelling only; Python names are for library callers.
        return Intent.model_validate(raw, by_alias=True, by_name=False), smap
    except ValidationError as exc:
        findings = _findings(exc.errors(include_url=False), smap, source, scalars)
        raise IntentUnreadable(f"{source}: the intent could not be read", findings) from None


_KINDS = {list: "a list", str: "a single string", int: "a number", float: "a number",
          bool: "a boolean"}


def _unreadable(source: str, path: str, message: str, line: int | None = 1) -> IntentUnreadable:
    finding = Finding("INTENT", ERROR, path, message, line, SCHEMA_HINT, "", source)
    return IntentUnreadable(message, (finding,))


MAX_DEPTH = 64  # an intent nests five levels deep; far deeper is not an intent
MAX_EVENTS = 50_000  # scalars, lists and mappings; an intent has a few hundred


def _parse_yaml(text: str, source: str) -> tuple[object, dict[str, int], dict[str, str]]:
    loader = _Loader(text)
    try:
        _check_depth(text, source)
        node = loader.get_single_node()
        if node is None:
            return None, {}, {}
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        scalars: dict[str, str] = {}
        _Walker(source, lines, scalars).walk(node, "")
        return _construct(loader, node, source), lines, scalars
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        if "another document" in what:
            what = "more than one YAML document (a second '---'); an intent is one document"
            raise _unreadable(source, "", f"{source} holds {what}", line) from None
        raise _unreadable(source, "", f"YAML syntax error: {what}", line) from None
    except yaml.YAMLError as exc:
        raise _unreadable(source, "", f"YAML error: {_first_line(exc)}") from None
    except RecursionError:
        raise _unreadable(source, "", "YAML nests too deeply to be an intent") from None
    finally:
        loader.dispose()


def _construct(loader, node: yaml.Node, source: str) -> object:
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary between untrusted text and us
        # PyYAML's constructors raise plain ValueError, IndexError, ... on scalars they cannot
        # build (the date 2001-13-01, a bare `!!int`), without saying which node failed.
        message = f"YAML value cannot be read: {_first_line(exc)}"
        raise _unreadable(source, "", message, node.start_mark.line + 1) from None


_OPENS = frozenset((yaml.SequenceStartEvent, yaml.MappingStartEvent))
_CLOSES = frozenset((yaml.SequenceEndEvent, yaml.MappingEndEvent))


def _check_depth(text: str, source: str) -> None:
    """Refuse deep or huge documents before composing them. libyaml's composer recurses: it slows
    down quadratically and crashes the interpreter (a segfault, not an exception) some tens of
    thousands of levels deep. Parse events are flat, so counting them is safe and cheap."""
    events = _Loader(text)
    try:
        depth = count = 0
        while events.check_event():
            event = events.get_event()
            count += 1
            if count > MAX_EVENTS:
                raise _unreadable(source, "", f"YAML holds more than {MAX_EVENTS:,} values; an "
                                              "intent has a few hundred",
                                  event.start_mark.line + 1)
            kind = type(event)  # PyYAML's event classes are final: a set lookup will do
            if kind in _OPENS:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _unreadable(source, "", "YAML nests too deeply to be an intent "
                                                  f"(more than {MAX_DEPTH} levels)",
                                      event.start_mark.line + 1)
            elif kind in _CLOSES:
                depth -= 1
    finally:
        events.dispose()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class _Walker:
    """Key path -> line for every key and list item; duplicate keys are errors.

    A node reached through a YAML alias is walked once: aliases share nodes, and following each
    reference again would let a few lines of anchors expand exponentially ("billion laughs").
    """

    def __init__(self, source: str, lines: dict[str, int], scalars: dict[str, str]):
        self.source, self.lines, self.scalars = source, lines, scalars
        self.seen: set[int] = set()

    def walk(self, node: yaml.Node, path: str) -> None:
        # Depth is bounded already (_check_depth), so this recursion is too.
        if isinstance(node, yaml.ScalarNode):
            self.scalars[path] = node.value
            return
        if id(node) in self.seen:
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = join_path(path, index)
                self.lines[child] = item.start_mark.line + 1
                self.walk(item, child)

    def _mapping(self, node: yaml.MappingNode, path: str) -> None:
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            child = join_path(path, key)
            if key in seen:
                msg = f"duplicate key '{child}' (first on line {seen[key]}); YAML keeps only one"
                raise _unreadable(self.source, child, msg, line)
            seen[key] = line
            self.lines[child] = line
            self.walk(value_node, child)


_MEMBERS = {"int": "an integer", "str": "a string", "float": "a number", "bool": "true or false"}


def _findings(errors: list, smap: SourceMap, source: str, scalars: dict[str, str]) -> tuple:
    """One finding per error; a value that matches no member of a union (`maxSurge: [1]`) gives
    pydantic one error per member: those become one finding that names every choice."""
    out: list[Finding] = []
    members: dict[str, list[str]] = {}
    for err in errors:
        finding = _finding(err, smap, source, scalars)
        tags = [str(p) for p in err["loc"][len(_clean_loc(err["loc"])):]]
        if not tags or err["type"] == "extra_forbidden":
            out.append(finding)
            continue
        # The first tag after the user's path names the union member that refused the value.
        member = _MEMBERS.get(tags[0], tags[0].split("[")[0])
        if finding.path in members:
            members[finding.path].append(member)
            continue
        members[finding.path] = [member]
        out.append(finding)
    for i, finding in enumerate(out):
        if finding.path in members:
            value = scalars.get(finding.path)
            got = f" (got {value!r})" if value is not None and len(value) < 80 else ""
            choices = " or ".join(dict.fromkeys(members[finding.path]))
            out[i] = replace(finding, message=f"{finding.path}: expected {choices}{got}")
    return tuple(out)


def _finding(err: dict, smap: SourceMap, source: str, scalars: dict[str, str]) -> Finding:
    loc = _clean_loc(err["loc"])
    if err["type"] == "invalid_key" and loc:
        loc = (*loc[:-1], str(loc[-1]))  # a non-string key is a key, not a list index
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
    elif kind == "invalid_key":
        message = f"key {err.get('input')!r} is not a name; intent keys are words such as 'name'"
        fix = "quote the key or remove it"
    else:
        detail = err["msg"].removeprefix("Value error, ")
        written = scalars.get(path)
        value = err.get("input")
        if isinstance(value, float) and written is not None:
            # YAML turned `1.30` into 1.3: show what the user wrote, not the number it became.
            detail = detail.replace(f'"{value}"', f'"{written}"')
        shown = "" if isinstance(value, dict | list) else repr(written or value)
        if shown and len(shown) < 80 and str(written or value) not in detail:
            detail += f" (got {shown})"
        message = f"{path}: {detail}"
    return Finding("INTENT", ERROR, path, message, smap.line_for(path), fix, "", source)


def _clean_loc(loc: tuple) -> tuple:
    """Drop the union-member tags pydantic adds (`maxSurge.int`), keeping every user key.

    A tag follows a field whose type is a union, so the walk follows the model: a user's key
    such as `pod-cidr` is never mistaken for a tag.
    """
    out: list[object] = []
    model: object = Intent
    for part in loc:
        if _is_union(model) and isinstance(part, str):
            model = None  # the member's inner structure is not needed for paths
            continue
        out.append(part)
        model = _inner(model, part) if model is not None else None
    return tuple(out)


def _is_union(annotation: object) -> bool:
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    return len([a for a in typing.get_args(annotation) if a is not type(None)]) > 1


def _normal(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


def _did_you_mean(key: str, known: list[str]) -> str | None:
    # kebab-case, snake_case and wrong capitals are the usual slips: match those exactly first.
    normal = {_normal(k): k for k in known}
    if _normal(key) in normal:
        return normal[_normal(key)]
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
