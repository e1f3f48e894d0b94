"""`generator.record` behaves as `@dataclass(frozen=True, slots=True)` does: each behaviour is
checked on a record and on its standard-library twin, side by side."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field

import pytest

from generator.plan import Plan, Resource
from generator.record import record


@record
class Rec:
    name: str
    count: int = 3
    tags: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Twin:
    name: str
    count: int = 3
    tags: dict = field(default_factory=dict)


@record
class One:
    """A single field: equality and hashing still compare tuples."""

    value: int


BOTH = pytest.mark.parametrize("cls", [Rec, Twin], ids=["record", "dataclass"])


@BOTH
def test_init_takes_positions_keywords_defaults_and_factories(cls):
    a, b = cls("x"), cls("x")
    assert (a.name, a.count, a.tags) == ("x", 3, {})
    assert a.tags is not b.tags  # a fresh value from the factory each time
    c = cls("y", 5, tags={"k": "v"})
    assert (c.name, c.count, c.tags) == ("y", 5, {"k": "v"})
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        cls("x", 1, {}, "too many")
    with pytest.raises(TypeError):
        cls("x", colour="red")


def test_repr_equality_and_hash_match_the_dataclass():
    assert repr(Rec("x", 2)).replace("Rec", "Twin") == repr(Twin("x", 2))
    assert Rec("x") == Rec("x") and Rec("x") != Rec("x", 4)
    assert hash(One(1)) == hash(One(1)) and One(1) != One(2)
    assert Rec("x") != Twin("x")  # other classes never compare equal, as with dataclasses
    assert Rec("x").__eq__(Twin("x")) is NotImplemented
    assert {One(1), One(1), One(2)} == {One(1), One(2)}


@BOTH
def test_instances_are_frozen_and_slotted(cls):
    value = cls("x")
    with pytest.raises(FrozenInstanceError):
        value.name = "y"
    with pytest.raises(FrozenInstanceError):
        del value.count
    assert not hasattr(value, "__dict__")
    assert cls.__match_args__ == ("name", "count", "tags")


@BOTH
def test_the_dataclasses_functions_work(cls):
    value = cls("x", tags={"a": "b"})
    assert dataclasses.is_dataclass(value)
    assert [f.name for f in dataclasses.fields(value)] == ["name", "count", "tags"]
    assert dataclasses.replace(value, count=9) == cls("x", 9, {"a": "b"})
    assert dataclasses.asdict(value) == {"name": "x", "count": 3, "tags": {"a": "b"}}
    assert dataclasses.astuple(value) == ("x", 3, {"a": "b"})


@BOTH
def test_copy_and_pickle_round_trip(cls):
    value = cls("x", 2, {"a": "b"})
    for clone in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert clone == value and type(clone) is cls


@BOTH
def test_pattern_matching_uses_the_field_order(cls):
    match cls("x", 7):
        case cls(name, count):
            assert (name, count) == ("x", 7)
        case _:
            pytest.fail("no match")


def test_the_plan_classes_are_records():
    # the records that matter: built by the thousand in a fleet, and compared in tests
    assert Resource.__init__.__qualname__ == "Resource.__init__"
    assert Plan.__setattr__ is Rec.__setattr__
    assert Resource("t", "n", "v", None).properties == {}


@pytest.mark.parametrize("body", [
    "x: int\n    def __post_init__(self):\n        pass",
    "x: int = field(init=False, default=0)",
    "x: int = field(kw_only=True, default=0)",
    "x: InitVar[int]",
    "x: ClassVar[int] = 1",
])
def test_what_it_does_not_support_is_refused(body):
    from dataclasses import InitVar
    from typing import ClassVar

    source = f"@record\nclass Bad:\n    {body}\n"
    scope = {"record": record, "field": field, "InitVar": InitVar, "ClassVar": ClassVar}
    with pytest.raises(TypeError, match="plain fields only"):
        exec(compile(source, "<test>", "exec", dont_inherit=True), scope)
