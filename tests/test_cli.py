"""The command line, as the contract states it: every command x every exit code, and the machine
outputs (JSON, SARIF). Prose is not asserted; shapes and codes are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator import __version__
from generator.cli import app
from generator.rules import CATALOG
from tests.conftest import BASE, ROOT, SAMPLES, merge

OVERLAY = str(ROOT / "samples" / "overlay.yaml")
FINDING_KEYS = {"rule", "severity", "path", "line", "message", "fix", "docs"}
SEVERITIES = {"error", "warning", "info"}


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def files(tmp_path):
    """good: no findings at all; warn: a warning only; bad: an error; broken: unreadable."""

    def write(name: str, data) -> str:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return str(path)

    return {
        "good": write("good.yaml", BASE),
        "warn": write("warn.yaml", merge(BASE, {"network": {
            "serviceCidr": "10.224.128.0/20", "dnsServiceIp": "10.224.128.10"}})),
        "bad": write("bad.yaml", merge(BASE, {"network": {
            "serviceCidr": "172.30.0.0/16", "dnsServiceIp": "172.30.0.10"}})),
        "broken": write("broken.yaml", "name: x\nlocation: eastus2\nnetwrok: {}\n"),
    }


def findings_of(doc: dict) -> list[dict]:
    return [f for r in doc["results"] for f in r["findings"]]


# --- validate -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("which", "code"), [("good", 0), ("warn", 0), ("bad", 1), ("broken", 2)])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_validate_exit_codes(files, which, code, fmt):
    result = run("validate", files[which], "--format", fmt)
    assert result.exit_code == code, result.output
    if fmt != "text":
        json.loads(result.stdout)  # nothing but the document on stdout


@pytest.mark.parametrize(("which", "code"), [
    (("good", "warn"), 0), (("good", "bad"), 1), (("bad", "broken"), 2), (("good", "broken"), 2),
])
def test_validate_a_fleet_takes_the_worst_code(files, which, code):
    result = run("validate", *(files[w] for w in which), "--format", "json")
    assert result.exit_code == code
    doc = json.loads(result.stdout)
    assert [r["intent"] for r in doc["results"]] == [files[w] for w in which]


def test_validate_json_has_the_contract_shape(files):
    doc = json.loads(run("validate", files["good"], files["bad"], files["broken"],
                         "-f", "json").stdout)
    assert set(doc) == {"results"}
    good, bad, broken = doc["results"]
    for r in doc["results"]:
        assert {"intent", "valid", "findings"} <= set(r)
        for f in r["findings"]:
            assert set(f) >= FINDING_KEYS
            assert f["severity"] in SEVERITIES
            assert isinstance(f["line"], int) and f["line"] >= 1
            assert f["message"]
    assert (good["valid"], good["findings"]) == (True, [])
    assert bad["valid"] is False
    (f,) = [f for f in bad["findings"] if f["rule"] == "NET-RANGE-001"]
    assert (f["severity"], f["path"]) == ("error", "network.serviceCidr")
    assert f["docs"].startswith("https://") and f["fix"]
    assert broken["valid"] is False
    assert [(f["rule"], f["path"]) for f in broken["findings"]] == [("INTENT", "netwrok")]
    assert broken["findings"][0]["line"] == 3


def test_validate_json_line_points_at_the_key(files):
    doc = json.loads(run("validate", files["bad"], "-f", "json").stdout)
    (f,) = [f for f in findings_of(doc) if f["rule"] == "NET-RANGE-001"]
    lines = Path(files["bad"]).read_text().splitlines()
    assert lines[f["line"] - 1].strip().startswith("serviceCidr:")


def test_validate_sarif_shape(files):
    doc = json.loads(run("validate", files["bad"], files["broken"], "-f", "sarif").stdout)
    assert doc["version"] == "2.1.0"
    assert "sarif" in doc["$schema"]
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "aksnet" and driver["version"] == __version__
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i != "INTENT"] == [r.id for r in CATALOG]  # one per catalog entry
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert run_["results"]
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (loc,) = result["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uri"] in (files["bad"], files["broken"])
        assert phys["region"]["startLine"] >= 1
    rules = {r["ruleId"] for r in run_["results"]}
    assert {"NET-RANGE-001", "INTENT"} <= rules


def test_validate_sarif_without_findings_has_no_results(files):
    doc = json.loads(run("validate", files["good"], "-f", "sarif").stdout)
    assert doc["runs"][0]["results"] == []


LINE = re.compile(r"^(?P<file>\S+?):(?P<line>\d+)  (?P<rule>[A-Z0-9-]+)  "
                  r"(?P<severity>error|warning|info)  (?P<message>.+)$")


def test_validate_text_lines_are_ruff_like(files):
    result = run("validate", files["bad"], files["broken"])
    hits = [LINE.match(line) for line in result.stdout.splitlines()]
    found = {(m["file"], m["rule"], m["severity"]) for m in hits if m}
    assert (files["bad"], "NET-RANGE-001", "error") in found
    assert (files["broken"], "INTENT", "error") in found


def test_validate_needs_an_intent():
    assert run("validate").exit_code == 2


def test_validate_refuses_an_unknown_format(files):
    assert run("validate", files["good"], "--format", "xml").exit_code == 2


# --- plan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("which", "code"), [("good", 0), ("warn", 0), ("bad", 1), ("broken", 2)])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_plan_exit_codes(files, which, code, fmt):
    result = run("plan", files[which], "--format", fmt)
    assert result.exit_code == code, result.output
    if fmt == "json":
        json.loads(result.stdout)


def test_plan_json_has_the_contract_keys():
    result = run("plan", OVERLAY, "-f", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert {"name", "network", "capacity", "resources", "findings"} <= set(doc)
    assert doc["name"] == "prod-eastus2"
    net = doc["network"]
    assert {"model", "dataplane", "policy", "modelReasons", "vnet", "nodeSubnet", "podSubnet",
            "podCidr", "serviceCidr", "dnsServiceIp"} <= set(net)
    assert (net["model"], net["dataplane"], net["policy"]) == ("overlay", "azure", "none")
    assert net["modelReasons"] and all(isinstance(r, str) for r in net["modelReasons"])
    assert net["vnet"]["addressSpace"] == ["10.224.0.0/12"]
    node = net["nodeSubnet"]
    assert {"prefix", "requiredIps", "usableIps"} <= set(node)
    assert node["prefix"].startswith("10.224.") and node["usableIps"] >= node["requiredIps"]
    assert net["podSubnet"] is None
    assert (net["podCidr"], net["serviceCidr"], net["dnsServiceIp"]) == (
        "10.244.0.0/16", "10.0.0.0/16", "10.0.0.10")
    cap = doc["capacity"]
    assert {"maxNodes", "maxPodsPerNode", "limitedBy"} <= set(cap)
    assert cap["maxNodes"] == node["usableIps"] and cap["limitedBy"] == "nodeSubnet"
    refs = {f"{res['type']}/{res['name']}" for res in doc["resources"]}
    for res in doc["resources"]:
        assert {"type", "name", "action", "dependsOn"} <= set(res)
        assert res["action"] == "create"
        assert set(res["dependsOn"]) <= refs - {f"{res['type']}/{res['name']}"}, res
    types = [r["type"] for r in doc["resources"]]
    assert types[0] == "Microsoft.Resources/resourceGroups"
    assert types[-1] == "Microsoft.ContainerService/managedClusters"
    assert doc["findings"] == []


def test_plan_json_marks_existing_resources_as_no_op():
    doc = json.loads(run("plan", ROOT / "samples" / "existing-vnet.yaml", "-f", "json").stdout)
    # offline, the contract's actions are create (new) and no-op (existing, only read)
    assert {r["action"] for r in doc["resources"]} == {"create", "no-op"}
    vnet = next(r for r in doc["resources"] if r["type"] == "Microsoft.Network/virtualNetworks")
    assert vnet["action"] == "no-op" and vnet["existing"] is True
    assert vnet["id"].endswith("/vnet-spoke")
    assert doc["network"]["nodeSubnet"]["id"].endswith("/snet-aks")


def test_plan_json_with_errors_lists_them(files):
    result = run("plan", files["bad"], "-f", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert ("NET-RANGE-001", "error") in {(f["rule"], f["severity"]) for f in doc["findings"]}
    for f in doc["findings"]:
        assert set(f) >= FINDING_KEYS


def test_plan_json_of_an_unreadable_intent_is_its_findings(files):
    result = run("plan", files["broken"], "-f", "json")
    assert result.exit_code == 2
    assert [f["rule"] for f in findings_of(json.loads(result.stdout))] == ["INTENT"]


def test_plan_text_shows_the_address_plan_and_capacity():
    result = run("plan", OVERLAY)
    assert result.exit_code == 0
    for needle in ("10.224.0.0", "10.244.0.0/16", "10.0.0.0/16", "nodeSubnet"):
        assert needle in result.stdout


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_plan_text_off_a_terminal_keeps_every_value_whole(sample):
    # piped or redirected, a row is one line: each resource's row holds its whole name and type,
    # so grep finds it, and the action plan JSON gives it; the frame lines up
    doc = json.loads(run("plan", sample, "-f", "json").stdout)
    result = run("plan", sample)
    assert result.exit_code in (0, 1)
    lines = result.stdout.splitlines()
    for res in doc["resources"]:
        short_type = res["type"].split("/", 1)[1]
        assert any(line.startswith(f"│ {res['action']} ") and res["name"] in line
                   and short_type in line for line in lines), res["name"]
    assert "\x1b" not in result.stdout
    for block in re.findall(r"^┏.*?^└[^\n]*", result.stdout, flags=re.M | re.S):
        assert len({len(line) for line in block.splitlines()}) == 1


def test_plan_takes_exactly_one_intent(files):
    assert run("plan", files["good"], files["warn"]).exit_code == 2


# --- rules --------------------------------------------------------------------------------------


def test_rules_lists_every_catalog_entry():
    result = run("rules")
    assert result.exit_code == 0
    listed = re.findall(r"^(NET-[A-Z]+-\d{3})\s", result.stdout, flags=re.M)
    assert listed == [r.id for r in CATALOG]


def test_rules_json_lists_every_entry_with_its_kind():
    result = run("rules", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [r["id"] for r in doc] == [r.id for r in CATALOG]
    assert {r["kind"] for r in doc} <= {"check", "live", "render", "doc"}


@pytest.mark.parametrize("rule_id", ["NET-RANGE-001", "net-range-001"])
def test_rules_explains_one_rule(rule_id):
    result = run("rules", rule_id)
    assert result.exit_code == 0
    assert "NET-RANGE-001" in result.stdout
    assert "https://" in result.stdout


def test_rules_explains_one_rule_as_json():
    result = run("rules", "NET-RANGE-001", "-f", "json")
    doc = json.loads(result.stdout)
    assert (doc["id"], doc["severity"], doc["kind"]) == ("NET-RANGE-001", "error", "check")


@pytest.mark.parametrize("rule_id", ["NET-NOPE-001", "INTENT", "", "NET-RANGE-999"])
def test_rules_unknown_id_exits_2(rule_id):
    result = run("rules", rule_id)
    assert result.exit_code == 2
    assert result.stdout == ""


# --- schema -------------------------------------------------------------------------------------


def walk_properties(schema: dict, defs: dict, seen=None):
    """(name, property schema) of every object property reachable from `schema`."""
    seen = set() if seen is None else seen
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert schema["$ref"] == f"#/$defs/{name}" and name in defs, schema["$ref"]
        if name in seen:
            return
        seen.add(name)
        schema = defs[name]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from walk_properties(sub, defs, seen)
    for sub in (schema.get("items"), schema.get("additionalProperties")):
        if isinstance(sub, dict):
            yield from walk_properties(sub, defs, seen)
    for name, prop in schema.get("properties", {}).items():
        yield name, prop
        yield from walk_properties(prop, defs, seen)


def test_schema_is_a_json_schema_with_camel_case_keys():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"name", "location"}
    defs = schema.get("$defs", {})
    names = {name for name, _ in walk_properties(schema, defs)}
    for expected in ("nodePools", "network", "serviceCidr", "dnsServiceIp", "podSubnet",
                     "addressSpace", "maxSurge", "podsReachableFromNetwork", "nextHopIp"):
        assert expected in names
    camel = re.compile(r"^[a-z][a-zA-Z0-9]*$")
    assert all(camel.match(n) for n in names), sorted(n for n in names if not camel.match(n))
    for d in defs.values():  # unknown keys are errors in the editor too
        if d.get("type") == "object":
            assert d.get("additionalProperties") is False, d.get("title")


def test_schema_validates_with_jsonschema_when_installed():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(Path(OVERLAY).read_text()), schema)


# --- init ---------------------------------------------------------------------------------------

MODELS = ["auto", "overlay", "cilium", "pod-subnet", "static-block", "node-subnet", "kubenet",
          "byo-cni"]


@pytest.mark.parametrize("model", MODELS)
def test_init_writes_a_starter_that_validates(tmp_path, model):
    out = tmp_path / "intent.yaml"
    result = run("init", "--model", model, "--out", out, "--name", f"c-{model}")
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("#")  # commented
    checked = run("validate", out, "-f", "json")
    assert checked.exit_code == 0, checked.stdout
    assert json.loads(checked.stdout)["results"][0]["valid"] is True
    planned = json.loads(run("plan", out, "-f", "json").stdout)
    expected = {"auto": "overlay", "cilium": "overlay", "static-block": "pod-subnet"}
    assert planned["network"]["model"] == expected.get(model, model)
    assert planned["name"] == f"c-{model}"


def test_init_prints_to_stdout_by_default():
    result = run("init")
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert data["name"] == "my-cluster" and data["network"]["model"] == "overlay"


def test_init_never_overwrites(tmp_path):
    out = tmp_path / "intent.yaml"
    out.write_text("mine\n")
    result = run("init", "--out", out)
    assert result.exit_code != 0
    assert out.read_text() == "mine\n"


def test_init_refuses_an_unknown_model_and_a_bad_name(tmp_path):
    assert run("init", "--model", "flannel").exit_code == 2
    out = tmp_path / "x.yaml"
    assert run("init", "--name", "bad name!", "--out", out).exit_code == 2
    assert not out.exists()


# --- version and help ---------------------------------------------------------------------------


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("validate", "plan", "render", "apply", "rules", "schema", "init"):
        assert re.search(rf"^\s+{command}\s", result.stdout, flags=re.M), command


def test_no_arguments_shows_help():
    result = run()
    assert result.exit_code in (0, 2)
    assert "validate" in result.output
