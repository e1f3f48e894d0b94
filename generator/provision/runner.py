"""The entry points `plan --live` and `apply` call: Azure options, the read-only survey (reads,
diff, live checks) and apply itself.

`plan --live`, `apply --dry-run` and `apply` share `survey`: it only reads. Dry-run stops after
it; apply stops after it too when any finding is an error, and otherwise writes. Nothing here
imports azure.* at module level: arm.py is imported when a backend is built.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from generator.errors import AzureAccessError
from generator.provision import live as live_checks
from generator.provision.apply import Executor, Retry, assess, guarded, read_all
from generator.provision.backend import Backend, BackendError
from generator.provision.diff import Change
from generator.provision.progress import (
    Progress,
    changes_json,
    outcome_json,
    print_changes,
    print_findings,
    print_result,
    summary,
)
from generator.provision.refs import Resolver
from generator.rules.core import ERROR, Finding

if TYPE_CHECKING:
    from generator.load import SourceMap
    from generator.plan import Plan

CLOUDS = {  # name: (Resource Manager endpoint, Microsoft Entra authority host)
    "AzureCloud": ("https://management.azure.com", "login.microsoftonline.com"),
    "AzureChinaCloud": ("https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    "AzureUSGovernment": ("https://management.usgovcloudapi.net", "login.microsoftonline.us"),
}
SUBSCRIPTION_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AzureOptions:
    subscription: str
    cloud: str
    endpoint: str  # the Resource Manager endpoint every request goes to
    poll_interval: float | None = None  # LRO polling when Azure sends no Retry-After

    @property
    def scope(self) -> str:
        """The token audience: the cloud's Resource Manager (also behind --arm-endpoint)."""
        return CLOUDS.get(self.cloud, CLOUDS["AzureCloud"])[0] + "/.default"

    @property
    def authority(self) -> str:
        return CLOUDS.get(self.cloud, CLOUDS["AzureCloud"])[1]

    @classmethod
    def resolve(cls, subscription: str | None, cloud: str,
                arm_endpoint: str | None) -> AzureOptions:
        sub = subscription or os.environ.get("AZURE_SUBSCRIPTION_ID")
        if not sub:
            raise AzureAccessError("no subscription: pass --subscription or set "
                                   "AZURE_SUBSCRIPTION_ID")
        if not SUBSCRIPTION_ID.fullmatch(sub):
            raise AzureAccessError(f"{sub!r} is not a subscription id")
        if cloud not in CLOUDS:
            raise AzureAccessError(f"unknown cloud {cloud!r}; use one of {', '.join(CLOUDS)}")
        endpoint = (arm_endpoint or os.environ.get("AKSNET_ARM_ENDPOINT") or CLOUDS[cloud][0])
        endpoint = endpoint.rstrip("/")
        parts = urlsplit(endpoint)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise AzureAccessError(f"--arm-endpoint {endpoint!r} is not an http(s) URL")
        if parts.scheme == "http" and not is_loopback(endpoint):
            raise AzureAccessError(f"refusing to send a bearer token over plain http to "
                                   f"{parts.hostname}: use https (http is allowed for loopback "
                                   "addresses only)")
        return cls(sub, cloud, endpoint, _poll_interval())


# Without it the SDK polls long-running operations every 30 s when Azure sends no Retry-After,
# which turns a 2 s operation into 30 s; a Retry-After from Azure still wins.
DEFAULT_POLL_SECONDS = 1.0


def _poll_interval() -> float:
    raw = os.environ.get("AKSNET_POLL_INTERVAL", "")
    try:
        return max(float(raw), 0.0) if raw else DEFAULT_POLL_SECONDS
    except ValueError:
        raise AzureAccessError(f"AKSNET_POLL_INTERVAL={raw!r} is not a number of seconds") from None


def azure_backend(options: AzureOptions) -> Backend:
    from generator.provision.arm import AzureBackend

    return AzureBackend(options)


# --- the read-only survey -----------------------------------------------------------------------


@dataclass
class Survey:
    changes: list[Change]
    findings: tuple[Finding, ...]
    resolver: Resolver


def survey(plan: Plan, backend: Backend, source: str = "", retry: Retry | None = None,
           smap: SourceMap | None = None) -> Survey:
    """Read every resource, classify each change, run the live checks. Sends only reads."""
    retry = retry or Retry.from_env()
    resolver = Resolver(plan.resources, backend.subscription)
    try:
        read_all(plan, backend, resolver, retry)
        changes = assess(plan, backend, resolver, retry)
        ctx = live_checks.LiveContext(plan, backend, resolver, {c.ref: c for c in changes},
                                      guard=lambda fn: guarded(fn, retry))
        found = live_checks.run(ctx) + [f for c in changes for f in c.findings]
    except BackendError as error:
        raise AzureAccessError(f"cannot read Azure: {error}") from None
    return Survey(changes, to_findings(found, source, smap), resolver)


def to_findings(found, source: str, smap: SourceMap | None = None) -> tuple[Finding, ...]:
    """Live checks' (rule id, violation) pairs as findings, with lines from the intent's source
    map (read again from `source` only when the caller has none)."""
    from generator.rules import by_id
    from generator.validate import sort_findings, to_finding

    smap = smap or _source_map(source)
    return sort_findings(to_finding(by_id(rule_id), violation, smap, source)
                         for rule_id, violation in found)


def _source_map(source: str):
    if not source or not os.path.isfile(source):
        return None
    from generator.load import load_intent

    try:
        return load_intent(source)[1]
    except Exception:  # noqa: BLE001 - lines are a convenience; the findings stand without
        return None


def live_changes(plan: Plan, options: AzureOptions, source: str = "",
                 smap: SourceMap | None = None) -> tuple[dict[str, dict], list[Finding]]:
    """`plan --live`: ref -> {"action", "properties"}, and the live findings. Reads only."""
    backend = azure_backend(options)
    try:
        result = survey(plan, backend, source, smap=smap)
    finally:
        backend.close()
    return {c.ref: c.as_json() for c in result.changes}, list(result.findings)


# --- apply --------------------------------------------------------------------------------------


def run_apply(plan: Plan, findings, source: str, *, options: AzureOptions | None, dry_run: bool,
              yes: bool, fmt: str, backend: Backend | None = None, retry: Retry | None = None,
              stdin: TextIO | None = None, out: TextIO | None = None,
              err: TextIO | None = None, smap: SourceMap | None = None) -> int:
    """Survey, show, confirm, write. Returns the exit code (0 done, 1 findings or failures)."""
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    retry = retry or Retry.from_env()
    own = backend is None
    backend = backend or azure_backend(options)
    try:
        return _apply(plan, tuple(findings), source, backend, retry, dry_run, yes, fmt,
                      stdin, out, err, smap)
    finally:
        if own:
            backend.close()


def _apply(plan, findings, source, backend, retry, dry_run, yes, fmt, stdin, out, err,
           smap) -> int:
    from generator.validate import sort_findings

    started = time.monotonic()
    result = survey(plan, backend, source, retry, smap)
    findings = sort_findings((*findings, *result.findings))
    doc: dict[str, Any] = {"intent": source, "dryRun": dry_run,
                           "changes": changes_json(result.changes),
                           "findings": [f.as_json() for f in findings]}
    writes = [c for c in result.changes if c.writes]
    if fmt != "json":
        print_changes(result.changes, out)
        print_findings(findings, out)
    if any(f.severity == ERROR for f in findings):
        return _stop(doc, fmt, out, err, "error findings: nothing written", 1)
    if dry_run or not writes:
        note = "dry run: nothing written" if dry_run else "no changes: nothing to write"
        return _stop(doc, fmt, out, err, note, 0)
    if not yes and not _confirm(len(writes), stdin, err):
        return _stop(doc, fmt, out, err, "not confirmed: nothing written", 1)
    with Progress(fmt, result.changes, err) as progress:
        try:
            outcomes = Executor(backend, result.resolver, retry, progress).run(result.changes)
        except KeyboardInterrupt:
            print("aksnet: interrupted; re-run apply to converge", file=err)
            return 130
    elapsed = time.monotonic() - started
    failed = any(o.status in ("failed", "skipped") for o in outcomes)
    if fmt == "json":
        doc.update(results=[outcome_json(o) for o in outcomes],
                   summary=summary(outcomes, elapsed), ok=not failed)
        print(json.dumps(doc, indent=2), file=out)
    else:
        print_result(outcomes, elapsed, out)
    return 1 if failed else 0


def _stop(doc: dict, fmt: str, out: TextIO, err: TextIO, note: str, code: int) -> int:
    if fmt == "json":
        doc.update(results=[], summary=note, ok=code == 0)
        print(json.dumps(doc, indent=2), file=out)
    else:
        print(f"aksnet: {note}", file=err)
    return code


def _confirm(count: int, stdin: TextIO, err: TextIO) -> bool:
    if not stdin.isatty():
        print("aksnet: apply writes to Azure; pass --yes to confirm when stdin is not a "
              "terminal", file=err)
        return False
    print(f"Apply {count} change(s)? [y/N] ", end="", file=err, flush=True)
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")

