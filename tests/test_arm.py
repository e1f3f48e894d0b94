"""ARM target: `azuredeploy.json` is a well-formed template (schema keys, every `parameters()` and
`variables()` reference declared in its own template, `dependsOn` naming declared resources, nested
deployments complete), its resource bodies pass the SDK model check once parameters are resolved,
and they equal the plan's, as the Bicep ones do. Checkov covers both targets in test_bicep.py.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from tests.support.bodycheck import check_body, is_expression, model_for
from tests.test_bicep import (
    CASES,
    CLUSTER,
    ROLE_DEFINITION,
    case,
    foreign,
    rendered,
    shape_problems,
)

SUBSCRIPTION_SCHEMA = (
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
)
GROUP_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = (
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
)
DEPLOYMENT = "Microsoft.Resources/deployments"
TEMPLATE_KEYS = ("$schema", "contentVersion", "parameters", "variables", "resources", "outputs")


def q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rid(rtype: str, name: str, *where: str) -> str:
    return f"resourceId({', '.join(q(a) for a in [*where, rtype, *name.split('/')])})"


def scope_id(path: str) -> str:
    """`Microsoft.Network/virtualNetworks/v/subnets/s` -> resourceId(...) of that resource."""
    namespace, *rest = path.split("/")
    types, names = rest[0::2], rest[1::2]
    return rid("/".join([namespace, *types]), "/".join(names))


def declared_ids(template: dict, level: str) -> set[str]:
    """The `dependsOn` spelling of every resource a template declares."""
    out = set()
    for res in template["resources"]:
        if level == "subscription":
            out.add(f"[subscriptionResourceId({q(res['type'])}, {q(res['name'])})]")
        elif res["type"] == DEPLOYMENT and "resourceGroup" in res:
            where = [res[k] for k in ("subscriptionId", "resourceGroup") if k in res]
            out.add(f"[{rid(DEPLOYMENT, res['name'], *where)}]")
        elif "scope" in res:
            out.add(f"[extensionResourceId({scope_id(res['scope'])}, {q(res['type'])}, "
                    f"{q(res['name'])})]")
        else:
            out.add(f"[{rid(res['type'], res['name'])}]")
    return out


def strings(value: Any, skip_templates: bool = True):
    """Every string of a value, not descending into nested deployments' own templates."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            if not (skip_templates and key == "template" and isinstance(item, dict)):
                yield from strings(item, skip_templates)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, skip_templates)


PARAM_CALL = re.compile(r"\bparameters\('([^']*)'\)")
VARIABLE_CALL = re.compile(r"\bvariables\('([^']*)'\)")


def resolve(value: Any, env: dict[str, Any]) -> Any:
    """Replace `[parameters('x')]` values with the value x takes in this template."""
    if isinstance(value, str):
        match = re.fullmatch(r"\[parameters\('([^']*)'\)\]", value)
        if match and match.group(1) in env:  # an undeclared one is reported, and kept
            return copy.deepcopy(env[match.group(1)])
        return value
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    return value


def template_problems(template: dict, level: str, env: dict[str, Any], out: list, found: list):
    """Structural problems of a template and its nested ones; `found` collects
    (level, resource with parameters resolved) for the body checks."""
    schema = SUBSCRIPTION_SCHEMA if level == "subscription" else GROUP_SCHEMA
    if template.get("$schema") != schema:
        out.append(f"{level}: $schema {template.get('$schema')!r}")
    for key in ("contentVersion", "parameters", "resources"):
        if key not in template:
            out.append(f"{level}: no {key}")
    params, variables = template.get("parameters", {}), template.get("variables", {})
    for text in strings({k: v for k, v in template.items() if k != "$schema"}):
        out += [f"{level}: parameters('{n}') undeclared" for n in PARAM_CALL.findall(text)
                if n not in params]
        out += [f"{level}: variables('{n}') undeclared" for n in VARIABLE_CALL.findall(text)
                if n not in variables]
    ids = declared_ids(template, level)
    for res in template.get("resources", []):
        for key in ("type", "apiVersion", "name"):
            if key not in res:
                out.append(f"{level}: a resource without {key}")
        for dep in res.get("dependsOn", []):
            if dep not in ids:
                out.append(f"{level}: {res.get('name')} depends on undeclared {dep}")
        if res.get("type") == DEPLOYMENT:
            nested_problems(res, env, out, found)
        else:
            found.append((level, resolve(res, env)))


def nested_problems(res: dict, env: dict[str, Any], out: list, found: list):
    props = res.get("properties", {})
    name = res.get("name")
    if props.get("mode") != "Incremental":
        out.append(f"{name}: mode {props.get('mode')!r}")
    if props.get("expressionEvaluationOptions") != {"scope": "inner"}:
        out.append(f"{name}: expressions not evaluated in the inner scope")
    inner = props.get("template")
    if not isinstance(inner, dict):
        out.append(f"{name}: no template")
        return
    declared = inner.get("parameters", {})
    passed = props.get("parameters", {})
    missing = [p for p, d in declared.items() if "defaultValue" not in d and p not in passed]
    extra = [p for p in passed if p not in declared]
    out += [f"{name}: parameter {p} not passed" for p in missing]
    out += [f"{name}: parameter {p} passed but not declared" for p in extra]
    out += [f"{name}: parameter {p} without value" for p, v in passed.items() if "value" not in v]
    inner_env = {p: resolve(v.get("value"), env) for p, v in passed.items()}
    for p, d in declared.items():
        inner_env.setdefault(p, d.get("defaultValue"))
    template_problems(inner, "group", inner_env, out, found)


def check_files(files: dict[str, str]) -> tuple[list[str], list[tuple[str, dict]]]:
    template = json.loads(files["azuredeploy.json"])
    values = json.loads(files["azuredeploy.parameters.json"])
    out: list[str] = []
    if list(template)[: len(TEMPLATE_KEYS) + 1] != [*TEMPLATE_KEYS[:2], "metadata",
                                                    *TEMPLATE_KEYS[2:]]:
        out.append(f"top-level keys {list(template)}")
    if set(values) != {"$schema", "contentVersion", "parameters"}:
        out.append(f"parameters file keys {sorted(values)}")
    if values.get("$schema") != PARAMETERS_SCHEMA:
        out.append("parameters file $schema")
    if set(values["parameters"]) != set(template["parameters"]):
        out.append("parameters file and template declare different parameters")
    env = {}
    for pname, definition in template["parameters"].items():
        given = values["parameters"].get(pname, {}).get("value")
        if given != definition.get("defaultValue"):
            out.append(f"{pname}: parameters file {given!r} != default")
        if not definition.get("metadata", {}).get("description"):
            out.append(f"{pname}: no description")
        env[pname] = given
    found: list[tuple[str, dict]] = []
    template_problems(template, "subscription", env, out, found)
    return out, found


# --- what the plan says, in ARM spelling ---------------------------------------------------------


def arm_ref(plan, ref, level: str) -> str:
    res = plan.resource(ref.ref)
    if level == "subscription":
        return ("[format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, "
                f"{q(res.name)})]")
    if res.type == ROLE_DEFINITION:
        ident = f"subscriptionResourceId({q(res.type)}, {q(res.name)})"
    elif res.existing:
        ident = q(res.existing_id)
    elif foreign(plan, res):
        vnet = plan.resource(f"Microsoft.Network/virtualNetworks/{res.name.split('/')[0]}")
        sub = vnet.existing_id.split("/")[2]
        ident = rid(res.type, res.name, sub, res.resource_group)
    else:
        ident = rid(res.type, res.name)
    if ref.attr == "id":
        return res.existing_id if res.existing and res.type != ROLE_DEFINITION else f"[{ident}]"
    full = ", 'full'" if res.type == CLUSTER else ""
    return f"[reference({ident}, {q(res.api_version)}{full}).{ref.attr}]"


def arm_expected(plan, value: Any, level: str) -> Any:
    from generator.plan import Ref

    if isinstance(value, Ref):
        return arm_ref(plan, value, level)
    if isinstance(value, str) and "{subscriptionId}" in value:
        pattern = value.replace("{subscriptionId}", "{0}")
        return f"[format({q(pattern)}, subscription().subscriptionId)]"
    if isinstance(value, dict):
        return {(arm_ref(plan, k, level) if isinstance(k, Ref) else k):
                arm_expected(plan, v, level) for k, v in value.items()}
    if isinstance(value, list):
        return [arm_expected(plan, v, level) for v in value]
    return value


ENVELOPE = ("type", "apiVersion", "name", "scope", "dependsOn")


def body(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if k not in ENVELOPE}


# --- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_template_is_well_formed_and_marked(name):
    files = rendered(name, "arm")
    assert set(files) == {"azuredeploy.json", "azuredeploy.parameters.json"}
    for text in files.values():
        assert "generated by aksnet from " in text[:512]
        assert "; do not edit" in text[:512]
    problems, found = check_files(files)
    assert problems == []
    assert found


@pytest.mark.parametrize("name", CASES)
def test_bodies_pass_the_sdk_model_check(name):
    _, found = check_files(rendered(name, "arm"))
    for _, res in found:
        problems = [p for p in check_body(model_for(res["type"]), res, arm_envelope=True)
                    if p.severity == "error"]
        assert problems == [], f"{res['name']}: " + "\n".join(map(str, problems))


@pytest.mark.parametrize("name", CASES)
def test_bodies_names_and_scopes_equal_the_plan(name):
    plan, _ = case(name)
    _, found = check_files(rendered(name, "arm"))
    by_key = {(r.type, r.name): r for r in plan.resources}
    seen = set()
    for level, res in found:
        planned = by_key[(res["type"], res["name"])]  # names, role GUIDs included, are the plan's
        assert not planned.existing
        assert res["apiVersion"] == planned.api_version
        assert body(res) == arm_expected(plan, planned.body(), level), res["name"]
        if planned.scope is not None:
            scope = plan.resource(planned.scope.ref)
            assert scope_id(res["scope"]) == rid(scope.type, scope.name)
        seen.add(planned.ref)
    assert seen == {r.ref for r in plan.resources if not r.existing}


@pytest.mark.parametrize("name", CASES)
def test_cluster_network_fields_equal_the_plan_and_the_examples_shape(name):
    plan, _ = case(name)
    _, found = check_files(rendered(name, "arm"))
    cluster = next(body(r) for _, r in found if r["type"] == CLUSTER)
    want = arm_expected(plan, next(r for r in plan.resources if r.type == CLUSTER).properties,
                        "group")
    assert cluster["properties"]["networkProfile"] == want["networkProfile"]
    fields = ("vnetSubnetID", "podSubnetID", "podIPAllocationMode", "maxPods", "upgradeSettings")
    pools = zip(cluster["properties"]["agentPoolProfiles"], want["agentPoolProfiles"], strict=True)
    for got, pool in pools:
        assert {k: got.get(k) for k in fields} == {k: pool.get(k) for k in fields}
    shaped = {k: _mark_expressions(v) for k, v in cluster.items()}
    assert shape_problems(shaped) == []


def _mark_expressions(value: Any) -> Any:
    from tests.support.bodycheck import Expression

    if isinstance(value, str) and is_expression(value):
        return Expression(value)
    if isinstance(value, dict):
        return {k: _mark_expressions(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_expressions(v) for v in value]
    return value


def test_outputs_reach_the_group_deployment():
    template = json.loads(rendered("kubenet", "arm")["azuredeploy.json"])
    group = template["resources"][-1]
    assert group["type"] == DEPLOYMENT and group["resourceGroup"] == "rg-old-kubenet"
    inner = group["properties"]["template"]
    assert set(template["outputs"]) == set(inner["outputs"]) == {
        "clusterId", "nodeSubnetId", "identityPrincipalId"}
    for key, output in template["outputs"].items():
        assert f"'{group['name']}'" in output["value"]
        assert f".outputs.{key}.value" in output["value"]


def test_other_resource_groups_use_nested_deployments():
    template = json.loads(rendered("byo-elsewhere", "arm")["azuredeploy.json"])
    inner = template["resources"][-1]["properties"]["template"]
    nested = {r["name"]: r["resourceGroup"] for r in inner["resources"] if r["type"] == DEPLOYMENT}
    assert nested == {"aksnet-nodeSubnet-byo-elsewhere": "rg-network",
                      "aksnet-nodeSubnetRole-byo-elsewhere": "rg-network",
                      "aksnet-routeTableRole-byo-elsewhere": "rg-routes"}


def test_render_is_deterministic():
    from generator.render import render

    plan, source = case("byo-elsewhere")
    assert render(plan, "arm", source).files == render(plan, "arm", source).files


# --- negative tests -------------------------------------------------------------------------------


def _mutated(mutate) -> list[str]:
    files = dict(rendered("byo-elsewhere", "arm"))
    template = json.loads(files["azuredeploy.json"])
    mutate(template)
    files["azuredeploy.json"] = json.dumps(template)
    return check_files(files)[0]


def _inner(template: dict) -> dict:
    return template["resources"][-1]["properties"]["template"]


def _cluster(template: dict) -> dict:
    return next(r for r in _inner(template)["resources"] if r["type"] == CLUSTER)


def test_negative_undeclared_parameter_and_variable():
    def mutate(template):
        _cluster(template)["properties"]["dnsPrefix"] = "[parameters('dnsPrefix')]"
        _cluster(template)["properties"]["kubernetesVersion"] = "[variables('version')]"

    assert sorted(_mutated(mutate)) == ["group: parameters('dnsPrefix') undeclared",
                                        "group: variables('version') undeclared"]


def test_negative_dependency_on_undeclared_resource():
    def mutate(template):
        _cluster(template)["dependsOn"].append(
            "[resourceId('Microsoft.Network/virtualNetworks', 'nowhere')]")

    assert _mutated(mutate) == [
        "group: byo-elsewhere depends on undeclared "
        "[resourceId('Microsoft.Network/virtualNetworks', 'nowhere')]"]


def test_negative_nested_deployment_shape():
    def mutate(template):
        nested = next(r for r in _inner(template)["resources"] if r["type"] == DEPLOYMENT)
        del nested["properties"]["expressionEvaluationOptions"]
        nested["properties"]["parameters"]["surplus"] = {"value": 1}
        del nested["properties"]["parameters"]["properties"]

    assert _mutated(mutate) == [
        "aksnet-nodeSubnet-byo-elsewhere: expressions not evaluated in the inner scope",
        "aksnet-nodeSubnet-byo-elsewhere: parameter properties not passed",
        "aksnet-nodeSubnet-byo-elsewhere: parameter surplus passed but not declared",
    ]


def test_negative_schema_and_parameters_file():
    files = dict(rendered("overlay", "arm"))
    template = json.loads(files["azuredeploy.json"])
    template["$schema"] = GROUP_SCHEMA
    values = json.loads(files["azuredeploy.parameters.json"])
    values["parameters"]["systemMaxPods"]["value"] = 111
    values["comment"] = "x"
    files = {"azuredeploy.json": json.dumps(template),
             "azuredeploy.parameters.json": json.dumps(values)}
    assert check_files(files)[0] == [
        "parameters file keys ['$schema', 'comment', 'contentVersion', 'parameters']",
        "systemMaxPods: parameters file 111 != default",
        "subscription: $schema "
        "'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'",
    ]


def test_negative_body_check():
    template = json.loads(rendered("overlay", "arm")["azuredeploy.json"])
    cluster = _cluster(template)
    cluster["properties"]["networkProfile"]["networkPluginMod"] = "overlay"
    cluster["properties"]["fqdn"] = "x.hcp.eastus2.azmk8s.io"
    kinds = {p.kind for p in check_body(model_for(CLUSTER), cluster, arm_envelope=True)
             if p.severity == "error"}
    assert kinds == {"unknown", "readonly"}
