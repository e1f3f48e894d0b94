"""`record`: a frozen, slotted dataclass, built for a fast start.

The plan, the rules and the findings are immutable values: `@dataclass(frozen=True, slots=True)`.
On Python 3.11 that decorator writes and compiles six methods per class as it runs (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`); for the nineteen classes that
`aksnet validate` loads, that compiling was a tenth of its whole start-up. `record` lets the
standard library do the field bookkeeping (so `dataclasses.fields`, `replace`, `asdict` and
`is_dataclass` work as usual) and compiles only `__init__`, the method whose speed matters (plans
are built by the thousand in a fleet). Equality, hashing, repr and immutability are shared
functions that read the class's field names.

Semantics match `@dataclass(frozen=True, slots=True)`: fields in order, defaults and
`field(default_factory=...)`, equality and hash over the fields (only between instances of the same
class), `FrozenInstanceError` on assignment or deletion, `__match_args__`, copy and pickle. What
nothing here uses is refused, not half-supported: `__post_init__`, `InitVar`, `ClassVar`,
`field(init=False)`, keyword-only fields, ordering.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError
from operator import attrgetter


def record(cls: type) -> type:
    if not cls.__doc__:
        # dataclasses would derive one from inspect.signature(), which is slow to load and run
        cls.__doc__ = f"{cls.__name__}({', '.join(cls.__dict__.get('__annotations__', {}))})"
    cls = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    _refuse_unsupported(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    cls.__init__ = _init(cls)
    # a staticmethod: a plain function stored on the class would be bound to the instance
    cls._values = staticmethod(attrgetter(*names) if len(names) > 1 else _one_value(names))
    for method in (__repr__, __eq__, __hash__, __getstate__, __setstate__):
        setattr(cls, method.__name__, method)
    # assigned last: from here on the class refuses attribute writes on its instances
    cls.__setattr__ = __setattr__
    cls.__delattr__ = __delattr__
    return cls


def _refuse_unsupported(cls: type) -> None:
    fields = dataclasses.fields(cls)
    pseudo = len(cls.__dataclass_fields__) != len(fields)  # InitVar or ClassVar annotations
    if (hasattr(cls, "__post_init__") or pseudo
            or any(not f.init or f.kw_only is True for f in fields)):
        raise TypeError(f"{cls.__qualname__}: record supports plain fields only; use "
                        "@dataclass(frozen=True, slots=True) for __post_init__, InitVar, "
                        "ClassVar, init=False or kw_only")


def _init(cls: type):
    """`__init__` compiled for this class: a direct store per field, as dataclasses does."""
    params, body, scope = [], [], {"MISSING": MISSING, "_set": object.__setattr__}
    for f in dataclasses.fields(cls):
        if f.default is not MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            body.append(f"    _set(self, {f.name!r}, {f.name})")
        elif f.default_factory is not MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=MISSING")
            body.append(f"    _set(self, {f.name!r}, "
                        f"_factory_{f.name}() if {f.name} is MISSING else {f.name})")
        else:
            params.append(f.name)
            body.append(f"    _set(self, {f.name!r}, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(source, scope)  # noqa: S102 - our own generated source, as dataclasses does
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _one_value(names: tuple[str, ...]):
    """attrgetter of one name returns the value, not a 1-tuple: equality and hashing want tuples."""
    get = attrgetter(*names) if names else None
    return (lambda self: (get(self),)) if get else (lambda self: ())


def __repr__(self) -> str:
    pairs = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
    return f"{type(self).__qualname__}({pairs})"


def __eq__(self, other):
    if other.__class__ is self.__class__:
        return self._values(self) == other._values(other)
    return NotImplemented


def __hash__(self) -> int:
    return hash(self._values(self))


def __setattr__(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def __delattr__(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def __getstate__(self):
    return [getattr(self, name) for name in self.__match_args__]


def __setstate__(self, state):
    for name, value in zip(self.__match_args__, state, strict=True):
        object.__setattr__(self, name, value)
