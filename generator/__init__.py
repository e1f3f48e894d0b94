"""aksnet: plan, check, render and provision AKS networks before anything exists.

The library API is lazy so that `import generator` (and the CLI's start) stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["apply", "build_plan", "load_intent", "render", "validate", "validate_file"]


def __getattr__(name: str):
    if name == "load_intent":
        from generator.load import load_intent

        return load_intent
    if name == "build_plan":
        from generator.planner import build_plan

        return build_plan
    if name == "validate":
        from generator.validate import check

        return check
    if name == "validate_file":
        from generator.validate import validate_file

        return validate_file
    if name == "render":
        from generator.render import render

        return render
    if name == "apply":
        from generator.provision.runner import run_apply

        return run_apply
    raise AttributeError(name)
