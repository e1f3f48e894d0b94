"""PyYAML, imported without compiling the one regular expression aksnet never uses.

`yaml.reader` compiles a character class of every printable Unicode range as its module loads
(`Reader.NON_PRINTABLE`): about 15 ms, a tenth of aksnet's start-up and more than the rest of
PyYAML together. Only the pure-Python reader uses it, to refuse non-printable input; aksnet
parses with libyaml's C loader, which reads for itself. So while `yaml` is imported here, that
module's patterns are compiled when first used instead: the pure-Python loader still works, and
still refuses what it refused, for anyone who uses it. Every other pattern, and `re.compile`
itself once the import is done, is untouched.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

DEFERRED_IN = "yaml.reader"


def import_yaml() -> ModuleType:
    """The `yaml` module, imported (once) with yaml.reader's patterns deferred."""
    if "yaml" in sys.modules:
        return sys.modules["yaml"]
    compile_ = re.compile

    def compile_deferring(pattern, flags=0):
        if sys._getframe(1).f_globals.get("__name__") == DEFERRED_IN:
            return Deferred(compile_, pattern, flags)
        return compile_(pattern, flags)

    re.compile = compile_deferring
    try:
        import yaml
    finally:
        re.compile = compile_
    return yaml


class Deferred:
    """A regular expression compiled the first time any of its attributes is read."""

    __slots__ = ("_compile", "_args", "_compiled")

    def __init__(self, compile_, pattern, flags) -> None:
        self._compile = compile_
        self._args = (pattern, flags)
        self._compiled = None

    def __getattr__(self, name: str):
        # Only reached for what the slots do not hold: the pattern's own methods and fields.
        if self._compiled is None:
            self._compiled = self._compile(*self._args)
        return getattr(self._compiled, name)
