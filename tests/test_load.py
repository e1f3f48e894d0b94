"""Loading: YAML -> Intent and SourceMap, and every way a file can fail to be an intent. Each
failure is an `IntentUnreadable` carrying INTENT findings with a key path and a line; nothing
else ever escapes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator import load as loading
from generator.cli import app
from generator.errors import IntentUnreadable
from generator.intent import Intent, Model
from generator.load import MAX_BYTES, SourceMap, load_intent, load_intent_bytes
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data" / "intents"

GOOD = """\
name: prod
location: eastus2
kubernetesVersion: "1.33"
network:
  model: overlay
  vnet:
    addressSpace: [10.224.0.0/16]
  podCidr: 10.244.0.0/16
nodePools:
  - name: system
    mode: System
    count: 3
  - name: apps
    maxPods: 110
"""


def load(text: str | bytes, source: str = "intent.yaml"):
    data = text.encode() if isinstance(text, str) else text
    return load_intent_bytes(data, source)


def unreadable(text: str | bytes) -> list:
    with pytest.raises(IntentUnreadable) as info:
        load(text)
    findings = list(info.value.findings)
    assert findings, "an IntentUnreadable must carry findings"
    for f in findings:
        assert (f.rule, str(f.severity)) == ("INTENT", "error")
        assert isinstance(f.path, str)
        assert isinstance(f.line, int) and f.line >= 1, f
        assert f.message and f.fix
        assert f.intent == "intent.yaml"
    return findings


def one(text: str | bytes):
    findings = unreadable(text)
    assert len(findings) == 1, findings
    return findings[0]


def with_line(text: str, index: int, line: str) -> str:
    lines = GOOD.splitlines()
    lines.insert(index, line)
    return "\n".join(lines) + "\n"


# --- reading ------------------------------------------------------------------------------------


def test_good_yaml_becomes_a_frozen_intent_with_a_line_map():
    intent, smap = load(GOOD)
    assert isinstance(intent, Intent)
    assert intent.network.model == Model.OVERLAY
    assert intent.network.vnet.address_space == ["10.224.0.0/16"]
    assert [p.name for p in intent.node_pools] == ["system", "apps"]
    assert (smap.line_for("name"), smap.line_for("network.podCidr")) == (1, 8)
    assert smap.line_for("nodePools[1]") == 13
    assert smap.line_for("nodePools[1].maxPods") == 14
    with pytest.raises(ValueError):
        intent.name = "other"  # frozen


def test_an_omitted_key_falls_back_to_its_nearest_parent():
    _, smap = load(GOOD)
    assert smap.line_for("network.serviceCidr") == 4  # network:
    assert smap.line_for("nodePools[0].maxPods") == 10  # the pool's first line
    assert smap.line_for("features.preview") == 1  # nothing present: the document start
    assert SourceMap({}).line_for("network.vnet") == 1  # an empty map still names a line


def test_every_sample_loads():
    samples = sorted([*ROOT.glob("samples/*.yaml"), *ROOT.glob("samples/fleet/*.yaml")])
    assert len(samples) >= 10
    for sample in samples:
        intent, _ = load_intent(sample)
        assert intent.name


def test_a_utf8_byte_order_mark_is_accepted():
    intent, _ = load(b"\xef\xbb\xbf" + GOOD.encode())
    assert intent.name == "prod"


# --- unknown keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(("index", "line", "path", "guess", "lineno"), [
    (2, "nodepools: []", "nodepools", "nodePools", 3),  # wrong capitals
    (8, "  podCIDR: 10.244.0.0/16", "network.podCIDR", "podCidr", 9),
    (8, "  dns-service-ip: 10.0.0.10", "network.dns-service-ip", "dnsServiceIp", 9),  # kebab
    (8, "  dns_service_ip: 10.0.0.10", "network.dns_service_ip", "dnsServiceIp", 9),  # snake
    (7, "    adressSpace: [10.0.0.0/8]", "network.vnet.adressSpace", "addressSpace", 8),
    (14, "    maxpod: 30", "nodePools[1].maxpod", "maxPods", 15),
    (2, "kubernetesVersoin: '1.33'", "kubernetesVersoin", "kubernetesVersion", 3),
])
def test_unknown_key_has_did_you_mean_path_and_line(index, line, path, guess, lineno):
    f = one(with_line(GOOD, index, line))
    assert (f.path, f.line) == (path, lineno)
    assert f"did you mean '{guess}'" in f.message
    assert guess in f.fix


def test_unknown_key_without_a_close_match_lists_the_known_keys():
    f = one(with_line(GOOD, 2, "zzzzzz: 1"))
    assert "did you mean" not in f.message
    assert "nodePools" in f.fix and "network" in f.fix


def test_python_field_names_are_not_intent_keys():
    # camelCase is the only spelling a YAML intent uses
    f = one(with_line(GOOD, 2, "resource_group: rg-x"))
    assert (f.path, f.line) == ("resource_group", 3)
    assert "resourceGroup" in f.message


def test_all_problems_are_reported_together():
    text = GOOD.replace("count: 3", "count: three").replace("model: overlay", "model: flat")
    text += "extra: 1\n"
    paths = {f.path for f in unreadable(text)}
    assert paths == {"nodePools[0].count", "network.model", "extra"}


# --- wrong types and values ---------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "path", "lineno"), [
    ("count: 3", "count: three", "nodePools[0].count", 12),
    ("count: 3", "count: -1", "nodePools[0].count", 12),
    ("mode: System", "mode: system", "nodePools[0].mode", 11),
    ("model: overlay", "model: [overlay]", "network.model", 5),
    ("location: eastus2", "location: {a: 1}", "location", 2),
    ("name: prod", "name: 'bad name!'", "name", 1),
    ("maxPods: 110", "maxPods: many", "nodePools[1].maxPods", 14),
])
def test_wrong_types_name_path_and_line(old, new, path, lineno):
    f = one(GOOD.replace(old, new))
    assert (f.path, f.line) == (path, lineno)
    assert f.message.startswith(path)


def test_a_mapping_where_a_list_belongs():
    f = one(GOOD.replace("addressSpace: [10.224.0.0/16]", "addressSpace: {a: b}"))
    assert (f.path, f.line) == ("network.vnet.addressSpace", 7)


def test_a_value_matching_no_union_member_is_one_finding():
    f = one(GOOD.replace("maxPods: 110", "maxSurge: [1]"))
    assert (f.path, f.line) == ("nodePools[1].maxSurge", 14)
    assert "an integer or a string" in f.message


@pytest.mark.parametrize(("cidr", "hint"), [
    ("10.244.0.1/16", "did you mean 10.244.0.0/16"),
    ("10.244.7.0/12", "did you mean 10.240.0.0/12"),
])
def test_host_bits_set_suggests_the_network(cidr, hint):
    f = one(GOOD.replace("podCidr: 10.244.0.0/16", f"podCidr: {cidr}"))
    assert (f.path, f.line) == ("network.podCidr", 8)
    assert hint in f.message


@pytest.mark.parametrize("cidr", [
    "10.244.0.0/33", "banana", "300.1.1.1/8",
    "10.244.0.0",  # the API requires the /length: a bare address is not read as a /32
])
def test_not_a_cidr_at_all(cidr):
    f = one(GOOD.replace("podCidr: 10.244.0.0/16", f"podCidr: '{cidr}'"))
    assert (f.path, f.line) == ("network.podCidr", 8)
    assert "not a CIDR" in f.message
    assert "did you mean" not in f.message or "/" in cidr


def test_a_bad_cidr_inside_a_list_points_at_the_item():
    text = GOOD.replace("addressSpace: [10.224.0.0/16]", "addressSpace:\n      - 10.224.0.0/16\n"
                                                         "      - 10.225.0.1/16")
    f = one(text)
    assert (f.path, f.line) == ("network.vnet.addressSpace[1]", 9)


def test_kubernetes_version_as_a_float_shows_what_was_written():
    f = one(GOOD.replace('kubernetesVersion: "1.33"', "kubernetesVersion: 1.30"))
    assert (f.path, f.line) == ("kubernetesVersion", 3)
    assert '"1.30"' in f.message  # not the 1.3 YAML turned it into
    assert "quote" in f.message


def test_kubernetes_version_quoted_is_fine():
    intent, _ = load(GOOD.replace('"1.33"', '"1.30"'))
    assert intent.kubernetes_version == "1.30"


def test_a_non_string_key():
    f = one(GOOD + "1: 2\n")
    assert (f.path, f.line) == ("1", 15)


# --- files that are not intents -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "what"), [
    ("", "empty"), ("   \n\n", "empty"), ("# only a comment\n", "empty"), ("~\n", "empty"),
    ("- name: a\n- name: b\n", "a list"), ("just words\n", "a single string"), ("42\n", "number"),
])
def test_empty_files_and_non_mappings(text, what):
    f = one(text)
    assert what in f.message
    assert f.path == ""


def test_yaml_syntax_error_has_the_line():
    f = one(GOOD.replace("addressSpace: [10.224.0.0/16]", "addressSpace: [10.224.0.0/16"))
    assert "YAML syntax error" in f.message
    assert f.line in (7, 8)


def test_tab_indentation_is_a_syntax_error():
    f = one("name: a\n\tlocation: b\n")
    assert f.line == 2


def test_duplicate_keys_name_both_lines():
    f = one(GOOD.replace("  podCidr: 10.244.0.0/16", "  podCidr: 10.244.0.0/16\n"
                                                     "  podCidr: 10.245.0.0/16"))
    assert (f.path, f.line) == ("network.podCidr", 9)
    assert "line 8" in f.message and "duplicate" in f.message


def test_duplicate_keys_inside_a_list_item():
    f = one(GOOD.replace("    count: 3", "    count: 3\n    count: 4"))
    assert (f.path, f.line) == ("nodePools[0].count", 13)


def test_multiple_documents_are_refused():
    f = one(GOOD + "---\nname: second\nlocation: westus\n")
    assert "more than one YAML document" in f.message
    assert f.line == 15


def test_a_single_leading_document_marker_is_fine():
    intent, _ = load("---\n" + GOOD)
    assert intent.name == "prod"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    bytes(range(256)),
    b"\x7fELF\x02\x01\x01\x00",
])
def test_binary_garbage(data):
    f = one(data)
    assert "not a text file" in f.message or "not UTF-8" in f.message


def test_non_utf8_text():
    f = one("name: a\nlocation: café\n".encode("latin-1"))
    assert "not UTF-8" in f.message and "byte 21" in f.message
    assert f.line == 2


def test_control_characters():
    f = one(b"name: a\x07b\nlocation: b\n")
    assert "YAML" in f.message


@pytest.mark.parametrize("text", ["name: 2001-13-01\nlocation: b\n",
                                  "name: !!int abc\nlocation: b\n",
                                  "name: !!float x\nlocation: b\n",
                                  "name: !!python/object:os.system x\nlocation: b\n"])
def test_values_the_yaml_constructor_cannot_build(text):
    assert one(text).path == ""


def test_yaml_merge_keys_are_read():
    text = "base: &b {name: a, location: b}\n<<: *b\n"
    f = one(text)  # `base` itself is unknown, but the merge is understood
    assert f.path == "base"


@pytest.fixture
def counting(monkeypatch):
    """The YAML loader, counting the parse events read and the documents composed: a refusal
    that is cheap reads few events and composes nothing (libyaml's composer recurses, slows down
    quadratically and can crash the interpreter on deep input)."""

    class Counting(loading._Loader):
        events = 0
        composed = 0

        def get_event(self):
            Counting.events += 1
            return super().get_event()

        def get_single_node(self):
            Counting.composed += 1
            return super().get_single_node()

    monkeypatch.setattr(loading, "_Loader", Counting)
    return Counting


@pytest.mark.parametrize("depth", [65, 1000, 50_000, 300_000])
def test_deep_nesting_is_refused_before_it_is_composed(counting, depth):
    text = "a: " + "[" * depth + "]" * depth
    if len(text) > MAX_BYTES:
        text = text[:MAX_BYTES]  # still refused, as too large or as too deep
    f = one(text)
    assert "too deeply" in f.message or "KB" in f.message or "MB" in f.message
    # stream, document and mapping starts, the key, then one more level than allowed
    assert counting.events <= loading.MAX_DEPTH + 5
    assert counting.composed == 0


def test_deep_block_mappings_are_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n"
    assert "too deeply" in one(text).message


def test_nesting_just_inside_the_limit_is_read_as_yaml():
    # 60 levels of lists is YAML we can read; it is simply not an intent
    f = one("name: a\nlocation: b\ntags: " + "[" * 60 + "]" * 60 + "\n")
    assert f.path == "tags"


@pytest.mark.parametrize("body", ["[" + "1," * 400_000 + "1]", "{" + ", ".join(
    f"k{i}: v" for i in range(60_000)) + "}"])
def test_a_document_of_too_many_values_is_refused_before_it_is_composed(counting, body):
    f = one("name: a\nlocation: b\nx: " + body + "\n")
    assert "values" in f.message and f.line == 3
    assert counting.events == loading.MAX_EVENTS + 1
    assert counting.composed == 0


def test_billion_laughs_does_not_explode(monkeypatch):
    # ten levels of ten aliases name 10^10 values; each node must be visited once, not per alias
    walked = []
    real_walk = loading._Walker.walk
    most = 1 + 12 + 10 * 10  # the root, its keys, each list's ten items

    def counted(self, node, path):
        walked.append(path)
        assert len(walked) <= most, "a node reached through an alias was walked again"
        return real_walk(self, node, path)

    monkeypatch.setattr(loading._Walker, "walk", counted)
    lines = ["name: a", "location: b", "l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    findings = unreadable("\n".join(lines) + "\n")
    assert {f.path for f in findings} == {f"l{i}" for i in range(10)}
    assert len(walked) <= most


def test_a_recursive_alias_is_refused():
    findings = unreadable("a: &x [*x]\nname: a\nlocation: b\n")
    assert {f.path for f in findings} == {"a"}


# --- sizes and I/O ------------------------------------------------------------------------------


def test_a_50mb_file_is_refused_fast_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "huge.yaml"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: instant to create, 50 MB to read
    read: list[int] = []
    real_open = open

    def spying_open(*args, **kwargs):
        handle = real_open(*args, **kwargs)
        original = handle.read

        def counted(size=-1):
            data = original(size)
            read.append(len(data))
            return data

        handle.read = counted
        return handle

    monkeypatch.setattr("generator.load.open", spying_open, raising=False)
    with pytest.raises(IntentUnreadable) as info:
        load_intent(big)
    assert sum(read) <= MAX_BYTES + 1
    (f,) = info.value.findings
    assert f.rule == "INTENT" and "KB" in f.message and str(big) in f.message
    assert (f.path, f.line) == ("", 1)


def test_an_endless_file_is_refused(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    code = ("from generator.load import load_intent\n"
            "from generator.errors import IntentUnreadable\n"
            "try:\n    load_intent('/dev/zero')\n"
            "except IntentUnreadable as e:\n    print(e.findings[0].message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "KB" in out.stdout


def test_just_under_the_limit_is_parsed(tmp_path):
    path = tmp_path / "padded.yaml"
    path.write_bytes(GOOD.encode() + b"#" * (MAX_BYTES - len(GOOD) - 1) + b"\n")
    intent, _ = load_intent(path)
    assert intent.name == "prod"
    path.write_bytes(GOOD.encode() + b"#" * (MAX_BYTES - len(GOOD)) + b"\n")
    with pytest.raises(IntentUnreadable):
        load_intent(path)


def test_missing_file_and_directory(tmp_path):
    for path in (tmp_path / "absent.yaml", tmp_path):
        with pytest.raises(IntentUnreadable) as info:
            load_intent(path)
        (f,) = info.value.findings
        assert f.rule == "INTENT" and "cannot read" in f.message
        assert (f.path, f.line) == ("", 1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_permissions(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    with pytest.raises(IntentUnreadable):
        load_intent(path)


def test_fixture_intents_load_or_fail_as_named():
    # tests/data/intents/<ok|bad>-*.yaml: kept as files so editors show them as users see them
    files = sorted(DATA.glob("*.yaml"))
    assert files
    for path in files:
        if path.name.startswith("ok-"):
            load_intent(path)
        else:
            with pytest.raises(IntentUnreadable):
                load_intent(path)


# --- nothing but IntentUnreadable, ever ---------------------------------------------------------

YAMLISH = st.lists(st.sampled_from([
    "name", "location", "network", "nodePools", ":", " ", "\n", "  ", "-", "[", "]", "{", "}",
    ",", "'", '"', "&a", "*a", "!!int", "!!binary", "<<", "---", "...", "#", "?", "|", ">",
    "10.0.0.0/8", "1.30", "2001-13-01", "~", "\t", "%YAML 1.1", "\\", "é", "\x85", "\ufeff",
]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), YAMLISH.map(str.encode)))
def test_arbitrary_bytes_never_raise_anything_but_intent_unreadable(data):
    try:
        load_intent_bytes(data, "fuzz.yaml")
    except IntentUnreadable as exc:
        assert exc.findings
        assert all(f.rule == "INTENT" and f.message for f in exc.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(min_size=1, max_size=200), YAMLISH.map(str.encode)))
def test_validate_on_arbitrary_bytes_exits_2_with_a_message(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not a crash
    assert "INTENT" in result.stdout and "Traceback" not in result.output


def test_validate_on_garbage_in_a_real_process(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage" * 100)
    out = subprocess.run([sys.executable, "-m", "generator", "validate", str(path)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 2
    assert "INTENT" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
