"""Helpers for the provisioning tests: run apply and survey, build plans from intents."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from generator.provision.apply import Retry
from generator.provision.runner import run_apply, survey
from tests.conftest import ROOT, intent_data, plan_of

FAST = Retry(base=0.0, principal_base=0.0, cap=0.0, principal_cap=0.0, settle_interval=0.05)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> dict:
        return json.loads(self.out)

    def statuses(self) -> dict[str, str]:
        return {r["name"]: r["status"] for r in self.doc["results"]}

    def actions(self) -> dict[str, str]:
        return {c["name"]: c["action"] for c in self.doc["changes"]}


def apply(plan, *, backend=None, options=None, dry_run=False, yes=True, fmt="json",
          findings=(), retry=FAST, stdin=None, source="intent.yaml") -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = run_apply(plan, findings, source, options=options, dry_run=dry_run, yes=yes, fmt=fmt,
                     backend=backend, retry=retry, stdin=stdin, out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


def changes_of(plan, backend) -> dict[str, tuple[str, tuple[str, ...]]]:
    result = survey(plan, backend, retry=FAST)
    return {c.resource.name: (c.action, c.properties) for c in result.changes}


def findings_of(plan, backend) -> set[tuple[str, str, str]]:
    result = survey(plan, backend, retry=FAST)
    return {(f.rule, f.path, str(f.severity)) for f in result.findings}


def plan_for(**override):
    return plan_of(intent_data(**override))[1]


def recase(value):
    """An answer as another API version may spell it: each key's first letter flipped
    (properties -> Properties, addressPrefix -> AddressPrefix, id -> Id) and ids with
    `resourcegroups` and `Providers`."""
    if isinstance(value, dict):
        return {key[:1].swapcase() + key[1:]: recase(v) for key, v in value.items()}
    if isinstance(value, list):
        return [recase(v) for v in value]
    if isinstance(value, str) and value.startswith("/subscriptions/"):
        return value.replace("/resourceGroups/", "/resourcegroups/").replace(
            "/providers/", "/Providers/")
    return value


class Recased:
    """A backend whose every answer comes back recased; writes and the rest pass through."""

    READS = ("get", "read", "clusters", "role_assignments", "role_definition", "permissions")

    def __init__(self, backend):
        self.backend = backend
        self.subscription = backend.subscription

    def __getattr__(self, name):
        found = getattr(self.backend, name)
        if name not in self.READS:
            return found
        return lambda *args, **kwargs: recase(found(*args, **kwargs))


__all__ = ["FAST", "ROOT", "Recased", "Run", "apply", "changes_of", "findings_of", "plan_for",
           "recase"]
