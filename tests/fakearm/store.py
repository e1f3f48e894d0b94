"""Thread-safe resource store and long-running-operation bookkeeping.

Entries are keyed by the lower-cased resource id (ARM ids are case-insensitive) and keep the
casing they were first written with. Child resources (subnets, routes, agent pools) are stored as
entries of their own; their parents show them inline when rendered.

Long-running operations are settled lazily: every request first calls `settle()`, which finishes
any operation whose deadline has passed. That keeps the fake free of timer threads.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_etag() -> str:
    return f'W/"{uuid.uuid4()}"'


@dataclass
class Entry:
    id: str
    type: str
    body: dict  # what the client set (server-owned keys stripped), without id/name/type
    seed: dict = field(default_factory=dict)  # stable server-generated values (GUIDs, ...)
    etag: str = field(default_factory=new_etag)
    state: str = "Succeeded"
    created: float = field(default_factory=time.monotonic)
    op: str | None = None  # id of the operation still working on this entry

    @property
    def key(self) -> str:
        return self.id.lower()

    @property
    def type_key(self) -> str:
        return self.type.lower()

    @property
    def name(self) -> str:
        return self.id.rsplit("/", 1)[-1]

    @property
    def parent_key(self) -> str:
        return self.key.rsplit("/", 2)[0]

    def props(self) -> dict:
        return self.body.get("properties") or {}


@dataclass
class Operation:
    id: str
    action: str  # "put" or "delete"
    keys: list[str]  # the entries this operation settles
    resource_id: str
    deadline: float
    error: dict | None = None  # set when the operation is meant to end Failed
    status: str = "InProgress"
    start_time: str = field(default_factory=now_iso)
    end_time: str | None = None


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.entries: dict[str, Entry] = {}
        self.ops: dict[str, Operation] = {}
        self.principals: dict[str, float] = {}  # principal id (lower) -> monotonic creation time

    # -- entries -------------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key.lower())

    def put(self, entry: Entry) -> None:
        self.entries[entry.key] = entry

    def remove_tree(self, key: str) -> None:
        """Remove an entry and everything under it (children and extension resources)."""
        key = key.lower()
        for k in [k for k in self.entries if k == key or k.startswith(key + "/")]:
            del self.entries[k]

    def children(self, parent_key: str, type_key: str) -> list[Entry]:
        parent_key, type_key = parent_key.lower(), type_key.lower()
        return [
            e
            for e in self.entries.values()
            if e.type_key == type_key and e.parent_key == parent_key
        ]

    def of_type(self, type_key: str, under: str = "") -> list[Entry]:
        type_key, under = type_key.lower(), under.lower()
        return [
            e
            for e in self.entries.values()
            if e.type_key == type_key and e.key.startswith(under + "/")
        ]

    def snapshot(self, key: str) -> Entry | None:
        entry = self.get(key)
        return copy.deepcopy(entry) if entry else None

    # -- principals (identity replication delay) ----------------------------------------------

    def register_principal(self, principal_id: str) -> None:
        self.principals[principal_id.lower()] = time.monotonic()

    def principal_age(self, principal_id: str) -> float | None:
        created = self.principals.get(str(principal_id).lower())
        return None if created is None else time.monotonic() - created

    # -- long-running operations ----------------------------------------------------------------

    def start_op(
        self, action: str, entries: list[Entry], seconds: float, error: dict | None = None
    ) -> Operation:
        op = Operation(
            id=str(uuid.uuid4()),
            action=action,
            keys=[e.key for e in entries],
            resource_id=entries[0].id,
            deadline=time.monotonic() + max(0.0, seconds),
            error=error,
        )
        self.ops[op.id] = op
        for e in entries:
            e.op = op.id
        return op

    def settle(self) -> None:
        """Finish every operation whose time is up (called at the start of each request)."""
        now = time.monotonic()
        for op in self.ops.values():
            if op.status == "InProgress" and op.deadline <= now:
                self._finish(op)

    def _finish(self, op: Operation) -> None:
        op.status = "Failed" if op.error else "Succeeded"
        op.end_time = now_iso()
        for key in op.keys:
            entry = self.entries.get(key)
            if entry is None or entry.op != op.id:
                continue  # a later request took the entry over
            entry.op = None
            if op.action == "delete" and not op.error:
                self.remove_tree(key)
            else:
                entry.state = "Failed" if op.error else "Succeeded"

    def busy(self, keys: list[str]) -> Entry | None:
        """The first of these entries that still has an operation in progress."""
        for key in keys:
            entry = self.entries.get(key.lower())
            if entry and entry.op and self.ops[entry.op].status == "InProgress":
                return entry
        return None
