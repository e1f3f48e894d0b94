"""PyYAML imported with the pure-Python reader's pattern deferred (generator.yamlimport): the
pattern is not compiled at import, every loader still reads and refuses what it did, and
re.compile is itself again afterwards. Each case runs in a fresh interpreter, where yaml is not
imported yet."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, re, sys
real = re.compile
from generator.yamlimport import Deferred, import_yaml
yaml = import_yaml()
pattern = yaml.reader.Reader.__dict__["NON_PRINTABLE"]
out = {"deferred_at_import": isinstance(pattern, Deferred) and pattern._compiled is None,
       "compile_restored": re.compile is real,
       "resolver_compiled": all(isinstance(r, re.Pattern) for rs in
                                yaml.resolver.Resolver.yaml_implicit_resolvers.values()
                                for _, r in rs),
       "same_module": import_yaml() is yaml}
out["c_loader"] = yaml.load("a: [1, 2.5, yes]", Loader=yaml.CSafeLoader)
out["python_loader"] = yaml.load("a: [1, 2.5, yes]", Loader=yaml.SafeLoader)
try:
    yaml.load("a: \\x07", Loader=yaml.SafeLoader)
    out["refused"] = None
except yaml.reader.ReaderError as exc:
    out["refused"] = "special characters are not allowed" in str(exc)
out["compiled_on_use"] = isinstance(pattern._compiled, re.Pattern)
print(json.dumps(out))
"""


def probe() -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_reader_pattern_waits_and_everything_still_reads():
    result = probe()
    assert result["deferred_at_import"] is True
    assert result["compile_restored"] is True
    assert result["resolver_compiled"] is True  # only yaml.reader's pattern is deferred
    assert result["same_module"] is True
    expected = {"a": [1, 2.5, True]}
    assert result["c_loader"] == expected and result["python_loader"] == expected
    # the pure-Python reader still refuses a control character, compiling the pattern to do so
    assert result["refused"] is True
    assert result["compiled_on_use"] is True


def test_aksnet_imports_yaml_this_way():
    code = ("import generator.load, yaml; from generator.yamlimport import Deferred; "
            "print(isinstance(yaml.reader.Reader.__dict__['NON_PRINTABLE'], Deferred))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.stdout.strip() == "True", out.stderr
