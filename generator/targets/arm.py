"""ARM target: `azuredeploy.json` and `azuredeploy.parameters.json`, for pipelines and portal
deployments without the Bicep CLI.

The same layout as the Bicep target (`armvalues`): a subscription-level template creates the
resource group and the custom role, then a nested deployment (inner expression scope) holds
everything in the cluster's resource group; further nested deployments reach other resource groups.
JSON has no comments, so the ownership marker sits in the template's top-level `metadata` and, in
the parameters file (whose schema allows no extra top-level key), in the first parameter's
`metadata`. The context holds the finished JSON values; the templates lay them out.
"""

from __future__ import annotations

import json
from typing import Any

from generator.plan import SUBSCRIPTION, Plan, Ref
from generator.resources import CLUSTER, ROLE_DEFINITION, SUBNET
from generator.targets.armvalues import (
    DEPLOYMENTS_API,
    Item,
    Layout,
    Param,
    Use,
    child_path,
    dependencies,
    layout,
)
from generator.walk import rebuild

SUBSCRIPTION_SCHEMA = (
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
)
GROUP_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = (
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
)
CONTENT_VERSION = "1.0.0.0"
DEPLOYMENT = "Microsoft.Resources/deployments"
SUBSCRIPTION_ID = "subscription().subscriptionId"


def armjson(value: Any, indent: int = 0) -> str:
    """JSON text; lines after the first are indented by `indent` spaces."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * indent)


FILTERS = {"armjson": armjson}


def lit(text: str) -> str:
    """A string literal inside an ARM expression."""
    return "'" + text.replace("'", "''") + "'"


def resource_id(res_type: str, name: str, group: str | None = None,
                subscription: str | None = None) -> str:
    args = [lit(a) for a in (subscription, group) if a]
    args += [lit(res_type), *(lit(n) for n in name.split("/"))]
    return f"resourceId({', '.join(args)})"


def group_id(name: str) -> str:
    return f"format('/subscriptions/{{0}}/resourceGroups/{{1}}', {SUBSCRIPTION_ID}, {lit(name)})"


class _Values:
    """Plan values as ARM template values, for the subscription- or group-level template."""

    def __init__(self, lay: Layout, level: str) -> None:
        self.lay, self.level = lay, level  # level: subscription | group

    def __call__(self, value: Any) -> Any:
        return rebuild(value, self.leaf)

    def leaf(self, value: Any) -> Any:
        if isinstance(value, Use):
            return f"[parameters({lit(value.name)})]"
        if isinstance(value, Ref):
            return self.ref(value)
        if isinstance(value, str):
            return self.text(value)
        return value

    @staticmethod
    def text(value: str) -> str:
        if SUBSCRIPTION in value:
            pattern = value.replace("{", "{{").replace("}", "}}")
            pattern = pattern.replace("{{subscriptionId}}", "{0}")
            return f"[format({lit(pattern)}, {SUBSCRIPTION_ID})]"
        return "[" + value if value.startswith("[") else value

    def ref(self, ref: Ref) -> str:
        if self.level == "subscription":  # only the resource group (a custom role's scope)
            return f"[{group_id(self.lay.group.name)}]"
        item = self.lay.item(ref.ref)
        res = item.resource
        if ref.attr == "id" and item.how == "existing" and res.type != ROLE_DEFINITION:
            return self.text(res.existing_id or "")
        rid = self.id_expr(item)
        if ref.attr == "id":
            return f"[{rid}]"
        if res.type == CLUSTER or ref.attr.startswith("identity."):
            return f"[reference({rid}, {lit(res.api_version)}, 'full').{ref.attr}]"
        return f"[reference({rid}, {lit(res.api_version)}).{ref.attr}]"

    def id_expr(self, item: Item) -> str:
        res = item.resource
        if res.type == ROLE_DEFINITION:
            return f"subscriptionResourceId({lit(res.type)}, {lit(res.name)})"
        if item.how == "existing":
            text = self.text(res.existing_id or "")
            return text[1:-1] if text.startswith("[format(") else lit(text)
        if item.how == "module":
            scope = item.scope
            return resource_id(res.type, res.name, scope.resource_group, scope.subscription)
        return resource_id(res.type, res.name)


def _param(p: Param, default: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": p.type}
    if default:
        out["defaultValue"] = p.value
    if p.allowed:
        out["allowedValues"] = list(p.allowed)
    if p.min_value is not None:
        out["minValue"] = p.min_value
    if p.max_value is not None:
        out["maxValue"] = p.max_value
    out["metadata"] = {"description": p.description}
    return out


def _depends_on(item: Item, lay: Layout) -> list[str]:
    out = []
    for dep in dependencies(item, lay):
        if dep.how == "module":  # a deployment lives in the resource group it deploys to
            where = (dep.scope.resource_group, dep.scope.subscription)
            out.append(f"[{resource_id(DEPLOYMENT, lay.module_name(dep), *where)}]")
        elif isinstance(dep.resource.scope, Ref):  # an extension resource: id under its scope
            target = lay.item(dep.resource.scope.ref).resource  # in this resource group
            scope = resource_id(target.type, target.name)
            out.append(f"[extensionResourceId({scope}, {lit(dep.resource.type)}, "
                       f"{lit(dep.resource.name)})]")
        else:
            out.append(f"[{resource_id(dep.resource.type, dep.resource.name)}]")
    return out


def _resource(item: Item, lay: Layout, values: _Values) -> dict[str, Any]:
    res = item.resource
    out: dict[str, Any] = {"type": res.type, "apiVersion": res.api_version, "name": res.name}
    if isinstance(res.scope, Ref):
        out["scope"] = child_path(lay.item(res.scope.ref).resource)
    deps = _depends_on(item, lay)
    if deps:
        out["dependsOn"] = deps
    out.update(values(item.body))
    return out


def _nested(item: Item, lay: Layout, values: _Values) -> dict[str, Any]:
    """A nested deployment into another resource group, for a subnet or a role assignment."""
    res = item.resource
    props = item.body["properties"]
    inner: dict[str, Any] = {"type": res.type, "apiVersion": res.api_version, "name": res.name}
    if res.type == SUBNET:
        definitions = {"properties": {"type": "object"}}
        passed = {"properties": {"value": values(props)}}
        inner["properties"] = "[parameters('properties')]"
    else:
        inner["scope"] = child_path(lay.item(res.scope.ref).resource)
        definitions = {key: {"type": "string"} for key in props}
        passed = {key: {"value": values(value)} for key, value in props.items()}
        inner["properties"] = {key: f"[parameters({lit(key)})]" for key in props}
    out: dict[str, Any] = {"type": DEPLOYMENT, "apiVersion": DEPLOYMENTS_API,
                           "name": lay.module_name(item)}
    if item.scope.subscription:
        out["subscriptionId"] = item.scope.subscription
    out["resourceGroup"] = item.scope.resource_group
    deps = _depends_on(item, lay)
    if deps:
        out["dependsOn"] = deps
    out["properties"] = {
        "mode": "Incremental",
        "expressionEvaluationOptions": {"scope": "inner"},
        "parameters": passed,
        "template": {
            "$schema": GROUP_SCHEMA,
            "contentVersion": CONTENT_VERSION,
            "parameters": definitions,
            "resources": [inner],
        },
    }
    return out


def _group_template(lay: Layout) -> dict[str, Any]:
    values = _Values(lay, "group")
    resources = []
    for item in lay.items:
        if item.how == "create":
            resources.append(_resource(item, lay, values))
        elif item.how == "module":
            resources.append(_nested(item, lay, values))
    outputs = {
        o.name: {"type": "string", "value": values(o.value),
                 "metadata": {"description": o.description}}
        for o in lay.outputs
    }
    return {
        "$schema": GROUP_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": {p.name: _param(p, default=False) for p in lay.params},
        "variables": {},
        "resources": resources,
        "outputs": outputs,
    }


def _subscription_resources(lay: Layout) -> list[dict[str, Any]]:
    values = _Values(lay, "subscription")
    group = lay.group
    group_ref = f"[subscriptionResourceId({lit(group.type)}, {lit(group.name)})]"
    out = [{"type": group.type, "apiVersion": group.api_version, "name": group.name,
            **values(lay.group_body)}]
    waits = [group_ref]
    role = lay.role_definition
    if role is not None:
        out.append({"type": role.type, "apiVersion": role.api_version, "name": role.name,
                    "dependsOn": [group_ref], **values(lay.role_definition_body)})
        waits.append(f"[subscriptionResourceId({lit(role.type)}, {lit(role.name)})]")
    out.append({
        "type": DEPLOYMENT,
        "apiVersion": DEPLOYMENTS_API,
        "name": lay.deployment_name,
        "resourceGroup": group.name,
        "dependsOn": waits,
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "parameters": {p.name: {"value": f"[parameters({lit(p.name)})]"} for p in lay.params},
            "template": _group_template(lay),
        },
    })
    return out


def context(plan: Plan, meta: dict[str, Any]) -> dict[str, Any]:
    lay = layout(plan)
    marker = f"{meta['marker']} from {meta['source']}; do not edit"
    deployment = (f"extensionResourceId({group_id(lay.group.name)}, {lit(DEPLOYMENT)}, "
                  f"{lit(lay.deployment_name)})")
    result = f"reference({deployment}, {lit(DEPLOYMENTS_API)}).outputs"
    outputs = {
        o.name: {"type": "string", "value": f"[{result}.{o.name}.value]",
                 "metadata": {"description": o.description}}
        for o in lay.outputs
    }
    values: dict[str, Any] = {}
    for index, p in enumerate(lay.params):
        values[p.name] = {"value": p.value}
        if index == 0:
            values[p.name]["metadata"] = {"description": marker}
    return {
        "meta": meta,
        "template": {
            "$schema": SUBSCRIPTION_SCHEMA,
            "contentVersion": CONTENT_VERSION,
            "metadata": {"description": marker,
                         "deploy": f"az deployment sub create --location {plan.location} "
                                   "--template-file azuredeploy.json "
                                   "--parameters @azuredeploy.parameters.json"},
            "parameters": {p.name: _param(p, default=True) for p in lay.params},
            "variables": {},
            "resources": _subscription_resources(lay),
            "outputs": outputs,
        },
        "parameters_file": {
            "$schema": PARAMETERS_SCHEMA,
            "contentVersion": CONTENT_VERSION,
            "parameters": values,
        },
    }
