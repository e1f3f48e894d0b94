"""aksnet: plan, check, render and provision AKS networks before anything exists.

The library API is resolved lazily so that `import generator` (and the CLI's start) stays cheap.
Its names differ from the submodules' (`render_plan`, not `render`): importing a submodule binds its
name on the package and would shadow a function of the same name.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "apply_plan": ("generator.provision.runner", "run_apply"),
    "build_plan": ("generator.planner", "build_plan"),
    "check": ("generator.validate", "check"),
    "load_intent": ("generator.load", "load_intent"),
    "render_plan": ("generator.render", "render"),
    "validate_file": ("generator.validate", "validate_file"),
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        module, attr = _API[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
