"""`aksnet rules`: the catalog as a table, or one rule explained."""

from __future__ import annotations

import json
import re

from generator.rules import CATALOG, by_id

KINDS = {"check": "offline check", "live": "live check (plan --live, apply)",
         "render": "rendering constraint", "doc": "documentation only"}


def listing(fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([_json(r) for r in CATALOG], indent=2)
    width = max(len(r.id) for r in CATALOG)
    lines = [f"{'ID':<{width}}  {'severity':<8}  {'kind':<6}  title"]
    for r in CATALOG:
        lines.append(f"{r.id:<{width}}  {r.severity!s:<8}  {r.kind:<6}  {r.title}")
    counts = {k: sum(1 for r in CATALOG if r.kind == k) for k in KINDS}
    summary = ", ".join(f"{n} {KINDS[k]}" for k, n in counts.items())
    lines.append(f"{len(CATALOG)} rules: {summary}")
    return "\n".join(lines)


def explain(rule_id: str, fmt: str = "text") -> tuple[int, str]:
    rule = by_id(rule_id)
    if rule is None:
        return 2, f"aksnet: unknown rule {rule_id!r}; `aksnet rules` lists them"
    if fmt == "json":
        return 0, json.dumps(_json(rule), indent=2)
    parts = [f"{rule.id}: {rule.title}",
             f"severity: {rule.severity}    kind: {KINDS[rule.kind]}", "", rule.explanation]
    if rule.fix:
        parts += ["", "fix: " + re.sub(r"\{(\w+)\}", r"<\1>", rule.fix)]
    parts += ["", f"docs: {rule.docs}"]
    return 0, "\n".join(parts)


def _json(rule) -> dict:
    return {"id": rule.id, "severity": str(rule.severity), "kind": rule.kind, "title": rule.title,
            "explanation": rule.explanation, "fix": rule.fix, "docs": rule.docs}
