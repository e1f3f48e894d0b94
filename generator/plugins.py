"""Pydantic plugin discovery, deferred until somebody wants plugins.

pydantic asks for plugins each time it builds a validator, and its loader module imports
`importlib.metadata` as it loads (about a tenth of aksnet's start-up) to scan every installed
distribution's entry points, for plugins aksnet never uses. So aksnet turns discovery off unless
the user set PYDANTIC_DISABLE_PLUGINS, and registers a stand-in for the loader module: while
discovery is off (the values pydantic itself reads as off) it answers "no plugins", exactly as the
real loader would; any other question goes to the real module, imported then.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

LOADER = "pydantic.plugin._loader"
VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
OFF = ("__all__", "1", "true")  # what pydantic's get_plugins() reads as "discovery off"


def defer() -> None:
    """Turn discovery off (unless the user chose) and defer the loader's import. Idempotent."""
    os.environ.setdefault(VARIABLE, "__all__")
    if LOADER not in sys.modules:
        sys.modules[LOADER] = _DeferredLoader(LOADER)


class _DeferredLoader(ModuleType):
    def get_plugins(self):
        if os.environ.get(VARIABLE) in OFF:
            return ()
        return _real().get_plugins()

    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system probing (__path__, __file__): not a question
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> ModuleType:
    """The real loader, imported in place of the stand-in."""
    if isinstance(sys.modules.get(LOADER), _DeferredLoader):
        del sys.modules[LOADER]
    return importlib.import_module(LOADER)
