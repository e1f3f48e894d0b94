"""pydantic plugin discovery stays off and unloaded until a user asks for it; when they do,
pydantic's own loader answers. Each case runs in a fresh interpreter: what this test process has
already imported would hide an import."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, os, sys
from generator import plugins
plugins.defer()
from pydantic import BaseModel

class M(BaseModel):
    x: int

loader = sys.modules["pydantic.plugin._loader"]
print(json.dumps({
    "valid": M(x="3").x,
    "plugins": list(loader.get_plugins()),
    "metadata": "importlib.metadata" in sys.modules,
    "variable": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
    "stand_in": type(sys.modules["pydantic.plugin._loader"]).__name__,
}))
"""


def probe(variable: str | None) -> dict:
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if variable is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = variable
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_by_default_discovery_is_off_and_never_loaded():
    result = probe(None)
    assert result == {"valid": 3, "plugins": [], "metadata": False, "variable": "__all__",
                      "stand_in": "_DeferredLoader"}


def test_every_value_pydantic_reads_as_off_stays_unloaded():
    for value in ("1", "true"):
        assert probe(value)["metadata"] is False


def test_a_user_who_names_plugins_gets_pydantic_s_own_loader():
    # a list of plugin names to skip means "discover the others": the real loader must run
    result = probe("some-plugin")
    assert result["variable"] == "some-plugin"
    assert result["metadata"] is True
    assert result["stand_in"] == "module"
    assert result["valid"] == 3
