"""The library surface: `generator.__all__` is sorted, every name in it resolves, and importing
the package stays cheap (the API is lazy)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import tomllib
import types

import pytest

import generator
from tests.conftest import ROOT


def test_all_is_sorted_and_unique():
    assert list(generator.__all__) == sorted(set(generator.__all__))


@pytest.mark.parametrize("name", generator.__all__)
def test_every_public_name_resolves(name):
    # Import every submodule first: importing `generator.x` binds the *module* as the package
    # attribute `x`, which would shadow an API function of the same name.
    for info in pkgutil.iter_modules(generator.__path__):
        if info.name != "__main__":  # that one runs the CLI
            importlib.import_module(f"generator.{info.name}")
    value = getattr(generator, name)
    assert callable(value), f"generator.{name} is {value!r}"
    assert not isinstance(value, types.ModuleType)


def test_no_public_name_is_a_submodule_name():
    submodules = {info.name for info in pkgutil.iter_modules(generator.__path__)}
    assert {"load", "planner", "validate", "render"} <= submodules
    assert submodules & set(generator.__all__) == set()


def test_the_library_api_is_public():
    # load, plan, check, render and apply: named apart from the submodules they live in
    assert {"load_intent", "build_plan", "check", "validate_file", "render_plan",
            "apply_plan"} <= set(generator.__all__)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError):
        generator.no_such_thing  # noqa: B018


def test_version_matches_the_distribution():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert generator.__version__ == project["version"]


def test_importing_the_package_imports_nothing_heavy():
    code = ("import sys, generator\n"
            "heavy = [m for m in ('pydantic', 'yaml', 'typer', 'rich', 'jinja2', 'azure')\n"
            "         if any(k == m or k.startswith(m + '.') for k in sys.modules)]\n"
            "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_the_library_api_round_trips_a_sample():
    intent, smap = generator.load_intent(ROOT / "samples" / "overlay.yaml")
    plan = generator.build_plan(intent)
    findings = generator.check(intent, plan, smap)
    assert plan.name == intent.name
    assert not [f for f in findings if str(f.severity) == "error"]
    assert generator.validate_file(ROOT / "samples" / "overlay.yaml").valid
