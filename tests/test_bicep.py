"""Bicep target: every rendered file parses (pycep-parser 0.7.1), every resource body passes the
SDK model check once parameters are resolved to the sample's values, bodies equal the plan's, the
cluster matches the shape of Microsoft's published examples, and checkov finds nothing unlisted.

The helpers that are not Bicep-specific (cases, expected shapes) are imported by test_arm.py.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLES, intent_data, plan_of
from tests.support.bodycheck import Expression, check_body, is_expression, model_for

EXAMPLES = ROOT / "tests" / "data" / "arm-examples"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
CLUSTER = "Microsoft.ContainerService/managedClusters"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
ROLE_DEFINITION = "Microsoft.Authorization/roleDefinitions"

# Intents beyond the samples: resources in other resource groups, a system-assigned identity
# (role assignments after the cluster), the built-in role, API server VNet integration.
EDGE = {
    "byo-elsewhere": intent_data(
        name="byo-elsewhere",
        network={
            "model": "kubenet",
            "vnet": {"id": f"{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/"
                           "virtualNetworks/vnet-spoke", "addressSpace": ["10.150.0.0/16"]},
            "routeTable": {"id": f"{SUB}/resourceGroups/rg-routes/providers/Microsoft.Network/"
                                 "routeTables/rt-hub"},
        },
        identity={"type": "userAssigned", "subnetRole": "network-contributor",
                  "id": f"{SUB}/resourceGroups/rg-ids/providers/"
                        "Microsoft.ManagedIdentity/userAssignedIdentities/id-shared"},
    ),
    "system-assigned": intent_data(
        name="system-assigned",
        tags={"cost-center": "it's 42", "team": "a\\b ${x}"},
        identity={"type": "systemAssigned"},
        features={"apiServerVnetIntegration": True},
    ),
    "byo-subnets-same-group": intent_data(
        name="byo-same",
        resourceGroup="rg-network",
        network={
            "model": "pod-subnet", "podCidr": None,
            "nodeSubnet": {"id": f"{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/"
                                 "virtualNetworks/vnet-spoke/subnets/snet-nodes",
                           "prefix": "10.224.0.0/24"},
            "podSubnet": {"id": f"{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/"
                                "virtualNetworks/vnet-spoke/subnets/snet-pods",
                          "prefix": "10.224.16.0/20"},
        },
        identity={"type": "systemAssigned"},
        nodePools=[{"name": "system", "mode": "System", "count": 3, "maxPods": 30}],
    ),
}


def case_id(sample: Path) -> str:
    return "-".join(sample.relative_to(ROOT / "samples").with_suffix("").parts)


CASES = [case_id(s) for s in SAMPLES] + sorted(EDGE)


@functools.cache
def case(name: str):
    """(plan, source) of a sample or an edge intent; edge intents must be valid."""
    from generator.validate import check, validate_file

    for sample in SAMPLES:
        if case_id(sample) == name:
            result = validate_file(sample)
            return result.plan, str(sample.relative_to(ROOT))
    intent, plan = plan_of(EDGE[name])
    errors = [f for f in check(intent, plan) if f.severity == "error"]
    assert not errors, errors
    return plan, f"edge/{name}.yaml"


@functools.cache
def rendered(name: str, target: str) -> dict[str, str]:
    from generator.render import render

    plan, source = case(name)
    return render(plan, target, source).files


# --- pycep output -> values -------------------------------------------------------------------


@functools.cache
def parse(text: str) -> dict:
    """pycep-parser's tree of a Bicep text (cached: parsing is slow; treat it as read-only)."""
    from pycep import BicepParser

    return BicepParser().parse(text=text)


_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def expr_text(node: Any) -> str:
    """A pycep expression tree back as Bicep text (the forms the templates use)."""
    if isinstance(node, str):
        return node
    if "operator" in node and node["operator"]["type"] == "property_accessor":
        ops = node["operator"]["operands"]
        return f"{expr_text(ops['operand_1'])}.{expr_text(ops['operand_2'])}"
    if "function" in node:
        fn = node["function"]
        args = ", ".join(f"'{v}'" for v in (fn.get("parameters") or {}).values() if v)
        return f"{fn['type']}({args})"
    return json.dumps(node, sort_keys=True)


def canon(value: Any, env: dict[str, Any]) -> Any:
    """pycep value -> plain value: parameters resolved, strings unescaped, expressions marked."""
    if isinstance(value, str):
        return env[value] if value in env else unescape(value)
    if isinstance(value, dict):
        if is_expression(value):
            return Expression(expr_text(value))
        return {_key(k): canon(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [canon(v, env) for v in value]
    return value


def _key(key: str) -> str:
    return unescape(key[1:-1]) if key.startswith("'") and key.endswith("'") else key


def condition_holds(node: Any, env: dict[str, Any]) -> bool:
    op = node["operator"]
    assert op["type"] == "equals", op
    left, right = (canon(op["operands"][k], env) for k in ("operand_1", "operand_2"))
    return left == right


class Instance:
    """One deployed Bicep file: its parsed text and the values its parameters take."""

    def __init__(self, files: dict[str, str], name: str, env: dict[str, Any], symbol: str | None):
        self.name, self.env, self.symbol = name, env, symbol
        self.tree = parse(files[name])

    def resources(self):
        """(symbol, type, existing, config) of every resource whose condition holds."""
        for symbol, res in self.tree.get("resources", {}).items():
            config = res["config"]
            if "condition" in config:
                if not condition_holds(config["condition"], self.env):
                    continue
                config = config["config"]
            yield symbol, res["type"], res["existing"], canon(config, self.env)


def instances(files: dict[str, str]) -> list[Instance]:
    """main.bicep with its defaults, then every module call with the values passed to it."""
    main = Instance(files, "main.bicep", {}, None)
    main.env = {k: canon(p.get("default"), {}) for k, p in main.tree["parameters"].items()}
    out, todo = [], [main]
    while todo:
        inst = todo.pop(0)
        out.append(inst)
        for symbol, module in inst.tree.get("modules", {}).items():
            params = canon(module["config"]["params"], inst.env)
            callee = Instance(files, module["detail"]["path"], params, symbol)
            todo.append(callee)
    return out


ENVELOPE = ("name", "parent", "scope", "dependsOn")


def body_of(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ENVELOPE}


# --- what the plan says --------------------------------------------------------------------------


def foreign(plan, res) -> bool:
    """Created in another resource group than the cluster's (Bicep: through a module)."""
    return not res.existing and res.type != ROLE_DEFINITION and \
        res.resource_group is not None and res.resource_group.lower() != plan.resource_group.lower()


def bicep_ref(plan, ref, where: str) -> str:
    if where == "main.bicep":
        return f"rg.{ref.attr}"
    res = plan.resource(ref.ref)
    if ref.attr == "id":
        return f"{res.symbol}.outputs.id" if foreign(plan, res) else f"{res.symbol}.id"
    if res.type == CLUSTER:
        return f"cluster.{ref.attr}"
    return f"{res.symbol}.properties.{ref.attr}"


def expected(plan, value: Any, ref_text) -> Any:
    """The plan's body with Refs as the expressions a target must write."""
    from generator.plan import Ref

    if isinstance(value, Ref):
        return Expression(ref_text(value))
    if isinstance(value, str):
        return value.replace("{subscriptionId}", "${subscription().subscriptionId}")
    if isinstance(value, dict):
        return {(f"${{{ref_text(k)}}}" if isinstance(k, Ref) else k): expected(plan, v, ref_text)
                for k, v in value.items()}
    if isinstance(value, list):
        return [expected(plan, v, ref_text) for v in value]
    return value


def plan_symbol(inst: Instance, symbol: str) -> str:
    """The plan symbol a Bicep resource stands for (module resources: the module call's)."""
    if inst.name == "main.bicep":
        return {"rg": "resourceGroup"}.get(symbol, symbol)
    return inst.symbol if inst.name in ("subnet.bicep", "roleAssignment.bicep") else symbol


def errors(problems) -> list[str]:
    return [str(p) for p in problems if p.severity == "error"]


# --- shape of Microsoft's published examples ------------------------------------------------------

# Keys no copied example shows (README "Gaps"): checked against the SDK model instead, and their
# spelling against the REST schema notes (ARM casing: vnetSubnetID, podSubnetID, ...).
GAPS = {
    "properties.agentPoolProfiles[].vnetSubnetID",
    "properties.agentPoolProfiles[].podSubnetID",
    "properties.agentPoolProfiles[].podIPAllocationMode",
    "properties.agentPoolProfiles[].enableAutoScaling",
    "properties.agentPoolProfiles[].minCount",
    "properties.agentPoolProfiles[].maxCount",
    "properties.networkProfile.networkPolicy",
    "properties.networkProfile.natGatewayProfile.managedOutboundIPProfile.count",
    "properties.networkProfile.natGatewayProfile.idleTimeoutInMinutes",
}
SHAPED = ("properties.networkProfile", "properties.agentPoolProfiles", "identity")


def shape(value: Any, path: str = "") -> dict[str, str]:
    """Leaf paths (lists as `[]`, identity map keys as `*`) -> JSON kind."""
    if isinstance(value, Expression):
        return {path: "str"}
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            key = "*" if path.endswith("userAssignedIdentities") else key
            sub = shape(item, f"{path}.{key}" if path else key)
            out.update(sub if sub else {f"{path}.{key}" if path else key: "object"})
        return out
    if isinstance(value, list):
        out = {}
        for item in value:
            out.update(shape(item, f"{path}[]"))
        return out or {f"{path}[]": "empty"}
    return {path: type(value).__name__}


@functools.cache
def example_shape() -> dict[str, set[str]]:
    """Every path the AKS examples (requests and responses) show, with the kinds seen."""
    seen: dict[str, set[str]] = {}
    for path in sorted(EXAMPLES.glob("Microsoft.ContainerService/*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        bodies = [data["parameters"].get("parameters")]
        bodies += [r.get("body") for r in data.get("responses", {}).values()]
        pool = path.name.startswith("AgentPools")
        for body in filter(None, bodies):
            for key, kind in shape(body).items():
                if pool and key.startswith("properties."):  # an agent pool's own properties
                    key = "properties.agentPoolProfiles[]." + key.removeprefix("properties.")
                seen.setdefault(key, set()).add(kind)
    return seen


def shape_problems(cluster_body: dict) -> list[str]:
    known, out = example_shape(), []
    for key, kind in shape(cluster_body).items():
        if not key.startswith(SHAPED) or key in GAPS:
            continue
        if key not in known:
            out.append(f"{key}: in no published example")
        elif kind not in known[key] and kind != "object":
            out.append(f"{key}: {kind}, the examples show {sorted(known[key])}")
    return out


# --- tests: parsing and structure -------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_every_file_parses_and_is_marked(name):
    files = rendered(name, "bicep")
    assert {"main.bicep", "cluster.bicep", "main.bicepparam"} <= set(files)
    for file, text in files.items():
        assert text.startswith("// generated by aksnet from "), file
        assert "generated by aksnet" in text[:512]
        if file.endswith(".bicep"):
            tree = parse(text)
            want = "subscription" if file == "main.bicep" else "resourceGroup"
            assert tree["globals"]["scope"]["value"] == want, file


@pytest.mark.parametrize("name", CASES)
def test_parameters_are_described_bounded_and_set(name):
    files = rendered(name, "bicep")
    bounds = {"natGatewayIdleTimeout": (4, 120), "natGatewayOutboundIpCount": (1, 16),
              "MaxPods": (10, 250), "Count": (None, 1000)}  # first match wins
    for inst in instances(files):
        for pname, param in inst.tree.get("parameters", {}).items():
            decorators = {d["type"]: d["argument"] for d in param["decorators"]}
            assert decorators.get("description"), f"{inst.name}: {pname} has no @description"
            for suffix, (low, high) in bounds.items():
                if pname.endswith(suffix):
                    assert decorators.get("max_value") == high, pname
                    if low is not None:
                        assert decorators.get("min_value") == low, pname
                    if inst.name == "main.bicep":
                        assert decorators.get("min_value", 0) <= param["default"] <= high
                    break
            if pname == "skuTier":
                assert decorators["allowed"] == ["Free", "Standard", "Premium"]
    # main.bicepparam sets every parameter of main.bicep to the plan's value (its default)
    main = instances(files)[0]
    lines = files["main.bicepparam"].splitlines()
    assert "using 'main.bicep'" in lines
    as_vars = re.sub(r"^param ", "var ", files["main.bicepparam"], flags=re.M)
    as_vars = as_vars.replace("using 'main.bicep'", "")
    values = {k: canon(v["value"], {}) for k, v in parse(as_vars)["variables"].items()}
    assert values == main.env


@pytest.mark.parametrize("name", CASES)
def test_bodies_pass_the_sdk_model_check(name):
    checked = 0
    for inst in instances(rendered(name, "bicep")):
        for symbol, rtype, existing, config in inst.resources():
            if existing:
                continue
            problems = check_body(model_for(rtype), config, arm_envelope=True)
            assert not errors(problems), f"{inst.name} {symbol}:\n" + "\n".join(errors(problems))
            checked += 1
    assert checked


@pytest.mark.parametrize("name", CASES)
def test_bodies_and_names_equal_the_plan(name):
    plan, _ = case(name)
    by_symbol = {r.symbol: r for r in plan.resources}
    created = {r.symbol for r in plan.resources if not r.existing}
    seen = set()
    for inst in instances(rendered(name, "bicep")):
        for symbol, rtype, existing, config in inst.resources():
            if existing and inst.symbol is not None and inst.name != "cluster.bicep":
                continue  # a module's own reference to what it deploys into
            res = by_symbol[plan_symbol(inst, symbol)]
            # a role definition is a subscription-level object: cluster.bicep only refers to it
            subscription_level = res.type == ROLE_DEFINITION and inst.name == "cluster.bicep"
            assert (rtype, existing) == (res.type, res.existing or subscription_level), symbol
            if existing:
                continue
            full = config["name"]
            if inst.name == "subnet.bicep":
                full = f"{inst.env['vnetName']}/{full}"
            elif "parent" in config:
                full = f"{by_symbol[config['parent']].name}/{full}"
            assert full == res.name  # role assignment GUIDs included: the plan's, as they are
            want = expected(plan, res.body(), lambda r, where=inst.name: bicep_ref(plan, r, where))
            assert body_of(config) == want, f"{inst.name} {symbol}"
            seen.add(res.symbol)
    assert seen == created


@pytest.mark.parametrize("name", CASES)
def test_cluster_network_fields_equal_the_plan_and_the_examples_shape(name):
    plan, _ = case(name)
    cluster_plan = next(r for r in plan.resources if r.type == CLUSTER)
    ref_text = functools.partial(bicep_ref, plan, where="cluster.bicep")
    cluster = next(body_of(c) for inst in instances(rendered(name, "bicep"))
                   for s, t, _, c in inst.resources() if t == CLUSTER)
    props, want = cluster["properties"], expected(plan, cluster_plan.properties, ref_text)
    assert props["networkProfile"] == want["networkProfile"]
    fields = ("vnetSubnetID", "podSubnetID", "podIPAllocationMode", "maxPods", "upgradeSettings")
    for got, pool in zip(props["agentPoolProfiles"], want["agentPoolProfiles"], strict=True):
        assert {k: got.get(k) for k in fields} == {k: pool.get(k) for k in fields}
    assert shape_problems(cluster) == []


@pytest.mark.parametrize("name", CASES)
def test_outputs_and_ordering(name):
    plan, _ = case(name)
    files = rendered(name, "bicep")
    main = parse(files["main.bicep"])
    subnets = [r.symbol for r in plan.resources if r.type == SUBNET]
    want = {"clusterId", "identityPrincipalId", *(f"{s}Id" for s in subnets)}
    assert set(main["outputs"]) == want
    tree = parse(files["cluster.bicep"])
    declared = [*tree["resources"], *tree.get("modules", {})]
    edges = {}
    for symbol, decl in [*tree["resources"].items(), *tree.get("modules", {}).items()]:
        edges[symbol] = mentioned(decl["config"], set(declared)) - {symbol}

    def reachable(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    # every dependency the plan states (route table attached, roles granted before the cluster)
    # is ordered by Bicep: a reference or a dependsOn, directly or through another resource
    by_ref = {r.ref: r for r in plan.resources}
    for res in plan.resources:
        if res.existing or res.symbol not in edges:
            continue
        for dep in res.depends_on:
            target = by_ref[dep]
            if target.existing or target.symbol not in edges or target.type == ROLE_DEFINITION:
                continue
            assert target.symbol in reachable(res.symbol), f"{res.symbol} -> {target.symbol}"
    # a custom role definition is created by main.bicep before cluster.bicep runs
    role = next((r for r in plan.resources if r.type == ROLE_DEFINITION and not r.existing), None)
    if role is not None:
        assert main["modules"]["aks"]["config"]["dependsOn"] == [role.symbol]


def mentioned(value: Any, symbols: set[str]) -> set[str]:
    """Symbols a pycep config refers to: values (not keys), plus interpolated keys."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            if "${" in key:
                found |= mentioned(key, symbols)
            found |= mentioned(item, symbols)
        return found
    if isinstance(value, list):
        return set().union(set(), *(mentioned(v, symbols) for v in value))
    if isinstance(value, str):
        heads = re.findall(r"\$\{(\w+)", value) if "${" in value else [value.split(".")[0]]
        return {h for h in heads if h in symbols}
    return set()


def test_route_table_is_attached_before_the_cluster():
    for name in ("kubenet", "udr-firewall"):
        tree = parse(rendered(name, "bicep")["cluster.bicep"])
        subnet = tree["resources"]["nodeSubnet"]["config"]
        assert expr_text(subnet["properties"]["routeTable"]["id"]) == "routeTable.id"
        pool = tree["resources"]["cluster"]["config"]["properties"]["agentPoolProfiles"][0]
        assert expr_text(pool["vnetSubnetID"]) == "nodeSubnet.id"


def test_managed_nat_gateway_has_no_network_resources():
    files = rendered("managed-nat", "bicep")
    tree = parse(files["cluster.bicep"])
    assert {r["type"] for r in tree["resources"].values()} == {CLUSTER}
    profile = tree["resources"]["cluster"]["config"]["properties"]["networkProfile"]
    assert profile["natGatewayProfile"] == {
        "managedOutboundIPProfile": {"count": "natGatewayOutboundIpCount"},
        "idleTimeoutInMinutes": "natGatewayIdleTimeout",
    }


def test_other_resource_groups_use_existing_scopes_and_modules():
    tree = parse(rendered("byo-elsewhere", "bicep")["cluster.bicep"])
    vnet = tree["resources"]["vnet"]
    assert vnet["existing"] is True
    assert vnet["config"]["scope"]["function"]["parameters"]["resource_group_name"] == "rg-network"
    modules = tree["modules"]
    assert modules["nodeSubnet"]["detail"]["path"] == "subnet.bicep"
    assert {modules[m]["detail"]["path"] for m in ("nodeSubnetRole", "routeTableRole")} == {
        "roleAssignment.bicep"}
    groups = {m: modules[m]["config"]["scope"]["function"]["parameters"]["resource_group_name"]
              for m in modules}
    assert groups == {"nodeSubnet": "rg-network", "nodeSubnetRole": "rg-network",
                      "routeTableRole": "rg-routes"}
    same = parse(rendered("byo-subnets-same-group", "bicep")["cluster.bicep"])
    assert "modules" not in same or not same["modules"]
    assert "scope" not in same["resources"]["vnet"]["config"]


def test_role_assignment_names_are_the_plans_stable_guids():
    from generator.resources import stable_guid

    plan, _ = case("kubenet")
    text = rendered("kubenet", "bicep")["cluster.bicep"]
    for res in plan.resources:
        if res.type == "Microsoft.Authorization/roleAssignments":
            assert f"name: '{res.name}'" in text
            scope = plan.resource(res.scope.ref)
            role = next(r for r in plan.resources if r.type == ROLE_DEFINITION)
            assert res.name == stable_guid("aksnet", plan.resource_group, plan.name, scope.ref,
                                           role.name)
    assert "guid(" not in text


def test_render_is_deterministic():
    from generator.render import render

    plan, source = case("overlay")
    assert render(plan, "bicep", source).files == render(plan, "bicep", source).files


# --- negative tests: the checks above can fail -------------------------------------------------


def _cluster_config(text: str) -> dict:
    """The cluster's config in a modified overlay cluster.bicep, parameters resolved."""
    files = {**rendered("overlay", "bicep"), "cluster.bicep": text}
    return next(c for i in instances(files) for _, t, _, c in i.resources() if t == CLUSTER)


def test_negative_parse_error():
    import lark

    text = rendered("overlay", "bicep")["cluster.bicep"]
    with pytest.raises(lark.exceptions.LarkError):
        parse(text.replace("loadBalancerSku: 'standard'", "loadBalancerSku: 'standard',,"))


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("networkPluginMode: 'overlay'", "networkPluginMod: 'overlay'", "unknown"),
    ("dnsServiceIP:", "dnsServiceIp:", "unknown"),
    ("enableRBAC: true", "enableRBAC: true\n    provisioningState: 'Succeeded'", "readonly"),
    ("        name: 'system'\n", "", "required"),
])
def test_negative_body_check(old, new, kind):
    text = rendered("overlay", "bicep")["cluster.bicep"]
    assert old in text
    problems = check_body(model_for(CLUSTER), _cluster_config(text.replace(old, new, 1)),
                          arm_envelope=True)
    assert kind in {p.kind for p in problems if p.severity == "error"}


def test_negative_shape_and_plan_equality():
    text = rendered("overlay", "bicep")["cluster.bicep"]
    config = _cluster_config(text.replace("dnsServiceIP:", "dnsServiceIp:"))
    assert shape_problems(body_of(config)) == [
        "properties.networkProfile.dnsServiceIp: in no published example"]
    nested = _cluster_config(text.replace(
        "      outboundType: 'loadBalancer'",
        "      outboundType: 'loadBalancer'\n      natGateway: {\n        count: 2\n      }"))
    assert "properties.networkProfile.natGateway.count: in no published example" in \
        shape_problems(body_of(nested))
    plan, _ = case("overlay")
    files = dict(rendered("overlay", "bicep"))
    files["main.bicep"] = files["main.bicep"].replace("param systemMaxPods int = 110",
                                                      "param systemMaxPods int = 111")
    cluster = next(c for i in instances(files) for s, t, _, c in i.resources() if t == CLUSTER)
    want = next(r for r in plan.resources if r.type == CLUSTER).properties
    assert cluster["properties"]["agentPoolProfiles"][0]["maxPods"] != \
        want["agentPoolProfiles"][0]["maxPods"]


# --- checkov ------------------------------------------------------------------------------------

SKIPS = ROOT / "tests" / "checkov" / "bicep.skip"


def unlisted_and_stale(failures, skips: dict[str, str]) -> tuple[list, list]:
    failed = {f.check_id for f in failures}
    return sorted({f"{f.check_id} {f.file}" for f in failures if f.check_id not in skips}), \
        sorted(set(skips) - failed)


def test_checkov_on_every_sample(tmp_path):
    """One checkov run over every sample's Bicep and ARM output (it is slow to start)."""
    from tests.support.checkov import load_skips, require_checkov, run_checkov

    require_checkov()
    for sample in SAMPLES:
        for target in ("bicep", "arm"):
            folder = tmp_path / target / case_id(sample)
            folder.mkdir(parents=True)
            for file, text in rendered(case_id(sample), target).items():
                (folder / file).write_text(text, encoding="utf-8")
    failures = run_checkov(tmp_path, "bicep,arm")
    assert any(f.file.endswith(".bicep") for f in failures)  # it did read the Bicep
    assert any(f.file.endswith(".json") for f in failures)  # and the ARM templates
    unlisted, stale = unlisted_and_stale(failures, load_skips(SKIPS))
    assert unlisted == [], "fix these or list them in tests/checkov/bicep.skip with a reason"
    assert stale == [], "these skips no longer fail: remove them from tests/checkov/bicep.skip"


def test_negative_checkov_skip_comparison():
    from tests.support.checkov import Failure

    failures = [Failure("CKV_AZURE_4", "cluster", "/a/cluster.bicep", "logging")]
    assert unlisted_and_stale(failures, {}) == (["CKV_AZURE_4 /a/cluster.bicep"], [])
    assert unlisted_and_stale(failures, {"CKV_AZURE_4": "r", "CKV_AZURE_9": "r"}) == (
        [], ["CKV_AZURE_9"])


# --- the writer, through the CLI ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["bicep", "arm"])
def test_cli_writer_marks_rerenders_identically_and_refuses_foreign_files(tmp_path, target):
    from typer.testing import CliRunner

    from generator.cli import app

    runner, out = CliRunner(), tmp_path / "out"
    args = ["render", str(ROOT / "samples" / "kubenet.yaml"), "--target", target, "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert written and all(b"generated by aksnet" in data[:512] for data in written.values())
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written
    victim = sorted(written)[0]
    (out / victim).write_text("// my own file\n", encoding="utf-8")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 3
    assert (out / victim).read_text(encoding="utf-8") == "// my own file\n"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0
    assert (out / victim).read_bytes() == written[victim]
