"""Tests for the offline Terraform checker (tests/support/tfcheck.py).

Each broken variant is paired with a good one built from the same spot in a known-clean
module, so a check that never fires (or always fires) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import tfcheck
from tests.support.tfcheck import (
    Problem,
    check_terraform_dir,
    check_terraform_sources,
    find_terraform,
    load_schema,
    terraform_fmt_check,
)

VERSIONS_TF = """\
terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.55"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}
"""

VARIABLES_TF = """\
variable "subscription_id" {
  type        = string
  description = "Subscription to deploy into."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}

locals {
  name         = "prod-eastus2"
  node_prefix  = "10.224.0.0/22"
  pod_prefixes = { pods = "10.224.64.0/18" }
}
"""

NETWORK_TF = """\
resource "azurerm_resource_group" "this" {
  name     = "rg-${local.name}"
  location = "eastus2"
  tags     = var.tags
}

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = ["10.224.0.0/12"]
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [local.node_prefix]
}

resource "azurerm_subnet" "pods" {
  for_each             = local.pod_prefixes
  name                 = "snet-${each.key}"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [each.value]

  delegation {
    name = "aks"
    service_delegation {
      name    = "Microsoft.ContainerService/managedClusters"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}
"""

IDENTITY_TF = """\
resource "azurerm_user_assigned_identity" "aks" {
  name                = "id-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
}

resource "azurerm_role_assignment" "subnet" {
  scope                = azurerm_subnet.nodes.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.aks.principal_id
}
"""

MAIN_TF = """\
resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = local.name
  kubernetes_version  = "1.33"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 3
    vnet_subnet_id = azurerm_subnet.nodes.id
    pod_subnet_id  = azurerm_subnet.pods["pods"].id
    zones          = ["1", "2", "3"]

    upgrade_settings {
      max_surge = "10%"
    }
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.aks.id]
  }

  network_profile {
    network_plugin = "azure"
    service_cidr   = "10.0.0.0/16"
    dns_service_ip = "10.0.0.10"
    outbound_type  = "loadBalancer"
  }

  tags       = var.tags
  depends_on = [azurerm_role_assignment.subnet]

  lifecycle {
    ignore_changes = [default_node_pool[0].node_count]
  }
}
"""

OUTPUTS_TF = """\
output "cluster_id" {
  description = "Resource ID of the cluster."
  value       = azurerm_kubernetes_cluster.this.id
}

output "kubelet_object_id" {
  description = "Object ID of the kubelet identity."
  value       = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}

output "pod_subnet_ids" {
  description = "Pod subnet IDs by name."
  value       = { for k, s in azurerm_subnet.pods : k => s.id }
}
"""

CLEAN = {
    "versions.tf": VERSIONS_TF,
    "variables.tf": VARIABLES_TF,
    "network.tf": NETWORK_TF,
    "identity.tf": IDENTITY_TF,
    "main.tf": MAIN_TF,
    "outputs.tf": OUTPUTS_TF,
}

AKS = "azurerm_kubernetes_cluster.this"


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def edit(file: str, old: str, new: str, base: dict[str, str] = CLEAN) -> dict[str, str]:
    """A copy of ``base`` with one exact replacement (failing loudly if ``old`` is absent)."""
    assert base[file].count(old) == 1, f"fixture text not found exactly once in {file}: {old!r}"
    return {**base, file: base[file].replace(old, new)}


def found(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.kind, p.address) for p in problems}


def check(tmp_path: Path, files: dict[str, str]) -> list[Problem]:
    return check_terraform_dir(write(tmp_path / "tf", files))


# --------------------------------------------------------------------------- schema file


def test_schema_is_the_local_copy_of_azurerm_4_55() -> None:
    schema = load_schema()
    assert tfcheck.SCHEMA_PATH.parent == Path(__file__).resolve().parent.parent / "data"
    assert schema["provider_version"] == "4.55.0"
    assert len(schema["resources"]) == 17
    aks = schema["resources"]["azurerm_kubernetes_cluster"]
    assert aks["blocks"]["default_node_pool"]["min_items"] == 1
    assert aks["attributes"]["fqdn"] == {
        "required": False,
        "optional": False,
        "computed": True,
        "type": "string",
    }


# --------------------------------------------------------------------------- clean module


def test_clean_aks_module_has_no_problems(tmp_path: Path) -> None:
    problems = check(tmp_path, CLEAN)
    assert problems == [], "\n".join(map(str, problems))


# --------------------------------------------------------------------------- good/bad pairs

# (id, file, text in CLEAN, good replacement, bad replacement, exact findings of the bad one)
PAIRS = [
    (
        "unknown-argument",
        "main.tf",
        '    network_plugin = "azure"\n',
        '    network_plugin = "azure"\n    network_plugin_mode = "overlay"\n',
        '    network_plugin = "azure"\n    network_plugin_mod = "overlay"\n',
        {("unknown-argument", f"{AKS}.network_profile.network_plugin_mod")},
    ),
    (
        "computed-only",
        "main.tf",
        "  dns_prefix          = local.name\n",
        '  dns_prefix          = local.name\n  sku_tier = "Standard"\n',
        '  dns_prefix          = local.name\n  fqdn = "aks.example.com"\n',
        {("computed-only", f"{AKS}.fqdn")},
    ),
    (
        "block-as-attribute",
        "main.tf",
        '  identity {\n    type         = "UserAssigned"\n',
        '  identity {\n    type         = "UserAssigned"\n',
        '  identity = {\n    type         = "UserAssigned"\n',
        {("block-as-attribute", f"{AKS}.identity")},
    ),
    (
        "block-as-attribute-list-of-objects",
        "main.tf",
        '    upgrade_settings {\n      max_surge = "10%"\n    }\n',
        '    upgrade_settings {\n      max_surge                = "10%"\n'
        "      drain_timeout_in_minutes = 5\n    }\n",
        '    upgrade_settings = [{ max_surge = "10%", drain_timeout_in_minutes = 5 }]\n',
        {("block-as-attribute", f"{AKS}.default_node_pool.upgrade_settings")},
    ),
    (
        "attribute-as-block",
        "main.tf",
        "  tags       = var.tags\n",
        '  tags       = { env = "prod" }\n',
        '  tags {\n    env = "prod"\n  }\n',
        {("attribute-as-block", f"{AKS}.tags")},
    ),
    (
        "missing-block",
        "main.tf",
        MAIN_TF[MAIN_TF.index("  default_node_pool {") : MAIN_TF.index("  identity {")],
        MAIN_TF[MAIN_TF.index("  default_node_pool {") : MAIN_TF.index("  identity {")],
        "",
        {("missing-block", f"{AKS}.default_node_pool")},
    ),
    (
        "too-many-blocks",
        "main.tf",
        "  network_profile {\n",
        "  network_profile {\n",
        '  network_profile {\n    network_plugin = "kubenet"\n  }\n\n  network_profile {\n',
        {("too-many-blocks", f"{AKS}.network_profile")},
    ),
    (
        "missing-argument",
        "main.tf",
        '    network_plugin = "azure"\n',
        '    network_plugin = "azure"\n',
        "",
        {("missing-argument", f"{AKS}.network_profile.network_plugin")},
    ),
    (
        "nested-missing-block",
        "network.tf",
        '    service_delegation {\n      name    = "Microsoft.ContainerService/managedClusters"\n'
        '      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]\n    }\n',
        "    service_delegation {\n"
        '      name = "Microsoft.ContainerService/managedClusters"\n    }\n',
        "",
        {("missing-block", "azurerm_subnet.pods.delegation.service_delegation")},
    ),
    (
        "undeclared-resource",
        "identity.tf",
        "  scope                = azurerm_subnet.nodes.id\n",
        "  scope                = azurerm_subnet.nodes.id\n",
        "  scope                = azurerm_subnet.nope.id\n",
        {("undeclared-reference", "azurerm_role_assignment.subnet.scope")},
    ),
    (
        "unknown-attribute",
        "main.tf",
        "    vnet_subnet_id = azurerm_subnet.nodes.id\n",
        "    vnet_subnet_id = azurerm_subnet.nodes.id\n",
        "    vnet_subnet_id = azurerm_subnet.nodes.idd\n",
        {("unknown-attribute", f"{AKS}.default_node_pool.vnet_subnet_id")},
    ),
    (
        "unknown-attribute-in-nested-block",
        "outputs.tf",
        "kubelet_identity[0].object_id\n",
        "kubelet_identity[0].object_id\n",
        "kubelet_identity[0].object_idd\n",
        {("unknown-attribute", "output.kubelet_object_id.value")},
    ),
    (
        "undeclared-variable",
        "network.tf",
        '  location = "eastus2"\n',
        '  location = "eastus2"\n',
        "  location = var.x\n",
        {("undeclared-reference", "azurerm_resource_group.this.location")},
    ),
    (
        "undeclared-local-in-interpolation",
        "network.tf",
        '  name     = "rg-${local.name}"\n',
        '  name     = "rg-${lower(local.name)}"\n',
        '  name     = "rg-${lower(local.nmae)}"\n',
        {("undeclared-reference", "azurerm_resource_group.this.name")},
    ),
    (
        "interpolation-only",
        "network.tf",
        '  name     = "rg-${local.name}"\n',
        "  name     = local.name\n",
        '  name     = "${local.name}"\n',
        {("interpolation-only", "azurerm_resource_group.this.name")},
    ),
    (
        "syntax",
        "network.tf",
        '  location = "eastus2"\n',
        '  location = "eastus2"\n',
        '  location = "eastus2"\n  broken = \n',
        {("syntax", "")},
    ),
    (
        "variable-without-description",
        "variables.tf",
        '  description = "Tags for every resource."\n',
        '  description = "Tags for every resource."\n',
        "",
        {("missing-description", "var.tags.description")},
    ),
    (
        "variable-without-type",
        "variables.tf",
        "  type        = map(string)\n",
        "  type        = map(string)\n",
        "",
        {("missing-type", "var.tags.type")},
    ),
    (
        "output-without-value",
        "outputs.tf",
        "  value       = azurerm_kubernetes_cluster.this.id\n",
        "  value       = azurerm_kubernetes_cluster.this.id\n",
        "",
        {("missing-argument", "output.cluster_id.value")},
    ),
    (
        "unknown-type",
        "identity.tf",
        'resource "azurerm_user_assigned_identity" "aks" {',
        'resource "azurerm_user_assigned_identity" "aks" {',
        'resource "azurerm_user_assigned_identty" "aks" {',
        {
            ("unknown-type", "azurerm_user_assigned_identty.aks"),
            ("undeclared-reference", "azurerm_role_assignment.subnet.principal_id"),
            ("undeclared-reference", f"{AKS}.identity.identity_ids"),
        },
    ),
    (
        "each-without-for_each",
        "network.tf",
        "  for_each             = local.pod_prefixes\n",
        "  for_each             = local.pod_prefixes\n",
        "  count                = 1\n",
        {
            ("invalid-reference", "azurerm_subnet.pods.name"),
            ("invalid-reference", "azurerm_subnet.pods.address_prefixes"),
        },
    ),
    (
        "ignore_changes-unknown-attribute",
        "main.tf",
        "    ignore_changes = [default_node_pool[0].node_count]\n",
        "    ignore_changes = [tags, default_node_pool[0].node_count]\n",
        "    ignore_changes = [tagz, default_node_pool[0].node_count]\n",
        {("unknown-attribute", f"{AKS}.lifecycle.ignore_changes")},
    ),
    (
        "unknown-lifecycle-argument",
        "main.tf",
        "    ignore_changes = [default_node_pool[0].node_count]\n",
        "    create_before_destroy = true\n",
        "    create_before_destroi = true\n",
        {("unknown-argument", f"{AKS}.lifecycle.create_before_destroi")},
    ),
    (
        "undeclared-for-expression-source",
        "outputs.tf",
        "{ for k, s in azurerm_subnet.pods : k => s.id }",
        "{ for k, s in azurerm_subnet.pods : k => s.id }",
        "{ for k, s in azurerm_subnet.pod : k => s.id }",
        {("undeclared-reference", "output.pod_subnet_ids.value")},
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "good", "bad", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in PAIRS],
)
def test_good_and_bad_variant(tmp_path, file, old, good, bad, expected) -> None:
    good_problems = check(tmp_path / "good", edit(file, old, good))
    assert good_problems == [], "\n".join(map(str, good_problems))
    bad_problems = check(tmp_path / "bad", edit(file, old, bad))
    assert found(bad_problems) == expected, "\n".join(map(str, bad_problems))


def test_problem_carries_file_line_and_readable_text(tmp_path: Path) -> None:
    files = edit("main.tf", '    network_plugin = "azure"\n', '    network_plugin_mod = "azure"\n')
    problems = [p for p in check(tmp_path, files) if p.kind == "unknown-argument"]
    assert len(problems) == 1
    problem = problems[0]
    assert Path(problem.file).name == "main.tf"
    assert problem.line == 1  # the resource header
    assert str(problem).endswith(
        f"{AKS}.network_profile.network_plugin_mod: [unknown-argument] "
        "unsupported argument network_plugin_mod"
    )


def test_syntax_error_reports_the_line_and_other_files_still_checked(tmp_path: Path) -> None:
    files = edit("network.tf", '  location = "eastus2"\n', '  location = "eastus2"\n  broken = \n')
    files = edit("main.tf", "  kubernetes_version", "  fqdn = 1\n  kubernetes_version", files)
    problems = check(tmp_path, files)
    syntax = [p for p in problems if p.kind == "syntax"]
    assert [(Path(p.file).name, p.line) for p in syntax] == [("network.tf", 4)]
    # undeclared references are not reported (declarations unknown), schema errors still are
    assert found(problems) == {("syntax", ""), ("computed-only", f"{AKS}.fqdn")}


# --------------------------------------------------------------------------- dynamic blocks

DYNAMIC_SUBNET = """\
variable "delegations" {
  type        = map(string)
  description = "Delegation name to service."
}

resource "azurerm_subnet" "dyn" {
  name                 = "snet-dyn"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/24"]

  dynamic "delegation" {
    for_each = var.delegations
    iterator = d
    content {
      name = d.key
      service_delegation {
        name = d.value
      }
    }
  }
}
"""


def test_dynamic_block_content_is_checked_against_the_block() -> None:
    good = check_terraform_sources({"dyn.tf": DYNAMIC_SUBNET})
    assert good == [], "\n".join(map(str, good))
    old = "      service_delegation {\n        name = d.value\n      }\n"
    bad = check_terraform_sources({"dyn.tf": DYNAMIC_SUBNET.replace(old, "      nme = d.value\n")})
    where = "azurerm_subnet.dyn.dynamic.delegation.content"
    assert found(bad) == {
        ("missing-block", f"{where}.service_delegation"),
        ("unknown-argument", f"{where}.nme"),
    }


def test_dynamic_iterator_defaults_to_the_label_and_other_names_are_not_bound() -> None:
    default_iterator = DYNAMIC_SUBNET.replace("    iterator = d\n", "").replace("d.", "delegation.")
    assert check_terraform_sources({"dyn.tf": default_iterator}) == []
    # without the iterator line, `d` is no longer bound: d.key reads as a resource reference
    unbound = DYNAMIC_SUBNET.replace("    iterator = d\n", "")
    assert found(check_terraform_sources({"dyn.tf": unbound})) == {
        ("undeclared-reference", "azurerm_subnet.dyn.dynamic.delegation.content.name"),
        (
            "undeclared-reference",
            "azurerm_subnet.dyn.dynamic.delegation.content.service_delegation.name",
        ),
    }


def test_dynamic_block_satisfies_min_items_and_unknown_dynamic_is_reported() -> None:
    pool = MAIN_TF[MAIN_TF.index("  default_node_pool {") : MAIN_TF.index("  identity {")]
    dynamic_pool = (
        '  dynamic "default_node_pool" {\n    for_each = ["system"]\n    content {\n'
        "      name = default_node_pool.value\n    }\n  }\n\n"
    )
    base = {**CLEAN, "main.tf": MAIN_TF.replace(pool, dynamic_pool)}
    base["main.tf"] = base["main.tf"].replace(
        "    ignore_changes = [default_node_pool[0].node_count]\n", ""
    )
    assert check_terraform_sources(base) == []
    typo = {
        **base,
        "main.tf": base["main.tf"].replace(
            'dynamic "default_node_pool"', 'dynamic "default_node_poo"'
        ),
    }
    assert ("unknown-argument", f"{AKS}.dynamic.default_node_poo") in found(
        check_terraform_sources(typo)
    )
    assert ("missing-block", f"{AKS}.default_node_pool") in found(check_terraform_sources(typo))


# --------------------------------------------------------------------------- other providers

AZAPI_TF = """\
resource "azapi_resource" "nat" {
  type      = "Microsoft.Network/natGateways@2024-05-01"
  name      = "nat-demo"
  parent_id = "/subscriptions/0000/resourceGroups/rg"
  location  = "eastus2"
  body = {
    sku = { name = "Standard" }
  }
  identity {
    type = "SystemAssigned"
  }
  response_export_values = ["properties.provisioningState"]
  tags                   = { env = "demo" }
}

resource "azapi_update_resource" "nat_tags" {
  type        = "Microsoft.Network/natGateways@2024-05-01"
  resource_id = azapi_resource.nat.id
  body        = { tags = { state = azapi_resource.nat.output.properties.provisioningState } }
}

resource "random_string" "suffix" {
  length  = 6
  special = false
}

output "suffix" {
  description = "Random suffix."
  value       = random_string.suffix.result
}
"""


def test_azapi_and_random_allow_lists() -> None:
    good = check_terraform_sources({"azapi.tf": AZAPI_TF})
    assert good == [], "\n".join(map(str, good))
    bad = AZAPI_TF.replace("  location  =", "  locaton   =")
    bad = bad.replace("identity {\n    type", "identity = {\n    type")
    bad = bad.replace("  special = false", "  specials = false")
    bad = bad.replace("random_string.suffix.result", "random_string.suffix.results")
    assert found(check_terraform_sources({"azapi.tf": bad})) == {
        ("unknown-argument", "azapi_resource.nat.locaton"),
        ("block-as-attribute", "azapi_resource.nat.identity"),
        ("unknown-argument", "random_string.suffix.specials"),
        ("unknown-attribute", "output.suffix.value"),
    }


def test_unlisted_provider_types_are_not_argument_checked_but_references_are() -> None:
    text = 'resource "null_resource" "x" {\n  anything = var.nope\n}\n'
    assert found(check_terraform_sources({"x.tf": text})) == {
        ("undeclared-reference", "null_resource.x.anything")
    }
    assert check_terraform_sources({"x.tf": text.replace("var.nope", '"ok"')}) == []


# --------------------------------------------------------------------------- data sources


DATA_TF = """\
data "azurerm_client_config" "current" {}

data "azurerm_subnet" "existing" {
  name                 = "snet"
  virtual_network_name = "vnet"
  resource_group_name  = "rg"
}

output "ids" {
  description = "IDs."
  value = [
    data.azurerm_client_config.current.tenant_id,
    data.azurerm_subnet.existing.id,
    data.azurerm_subnet.existing.route_table_id,
  ]
}
"""


def test_data_source_references_checked_against_the_resource_schema() -> None:
    assert check_terraform_sources({"d.tf": DATA_TF}) == []
    bad = DATA_TF.replace("existing.route_table_id", "existing.route_tabel_id")
    bad = bad.replace("current.tenant_id", "current.tenantid")
    bad = bad.replace("data.azurerm_subnet.existing.id", "data.azurerm_subnet.missing.id")
    problems = check_terraform_sources({"d.tf": bad})
    assert sorted(p.message for p in problems) == [
        "data.azurerm_client_config.current.tenantid: the type has no attribute tenantid",
        "data.azurerm_subnet.existing.route_tabel_id: the type has no attribute route_tabel_id",
        "data.azurerm_subnet.missing: not declared",
    ]


# --------------------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    ("value", "interp_only"),
    [
        ("var.a", False),
        ('"${var.a}"', True),
        ('"${var.a}-x"', False),
        ('"x-${var.a}"', False),
        ('"${var.a}${var.a}"', False),
        ('"$${var.zz}"', False),  # escaped: neither interpolation nor reference
        ('"%{if var.a != ""}x%{endif}"', False),
        ('["${var.a}", "b"]', True),
        ('{ k = "${var.a}" }', True),
        ('var.a != "" ? "${var.a}" : null', True),
        ('format("%s", var.a)', False),
        ('"${format("%s", "${var.a}-x")}"', True),
        ("<<EOT\n${var.a}\nEOT", False),
        ('<<EOT\n"${var.a}"\nEOT', False),
        ('"{\\"a\\": \\"${var.a}\\"}"', False),
    ],
)
def test_interpolation_only_strings_told_from_bare_expressions(value, interp_only) -> None:
    text = 'variable "a" {\n  type        = string\n  description = "a"\n}\n\n'
    text += f"locals {{\n  x = {value}\n}}\n"
    expected = {("interpolation-only", "local.x")} if interp_only else set()
    assert found(check_terraform_sources({"x.tf": text})) == expected


@pytest.mark.parametrize(
    ("expr", "undeclared"),
    [
        ('join(",", [for s in var.l : s.id])', False),
        ('join(",", [for s in var.l : t.id])', True),
        ('"x-${lower(azurerm_subnet.nope.name)}"', True),
        ('"x-${lower(azurerm_subnet.nodes.name)}"', False),
        ("try(local.m[var.k], null)", False),
        ("try(local.m[var.kk], null)", True),
        ('"%{for s in var.l}${s}%{endfor}"', False),
        ("azurerm_subnet.nodes[*].id", False),
        ("module.net.subnet_id", True),
        ('"a\\"${var.kk}\\""', True),  # escaped quotes do not end the string
        ('<<EOT\n{"k": "${var.kk}"}\nEOT', True),  # quotes in a heredoc are literal
        ('<<-EOT\n  {"k": "${var.k}"}\n  EOT', False),
        ("path.module", False),
        ("provider::azurerm::normalise_resource_id(azurerm_subnet.nodes.id)", False),
    ],
)
def test_references_inside_functions_for_and_templates(expr, undeclared) -> None:
    text = """\
variable "l" {
  type        = list(any)
  description = "l"
}

variable "k" {
  type        = string
  description = "k"
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
}

locals {
  m = {}
"""
    problems = check_terraform_sources({"x.tf": text + f"  x = {expr}\n}}\n"})
    expected = {("undeclared-reference", "local.x")} if undeclared else set()
    assert found(problems) == expected, "\n".join(map(str, problems))


# --------------------------------------------------------------------------- module level


def test_module_source_duplicates_and_count_with_for_each() -> None:
    uami = 'resource "azurerm_user_assigned_identity" "aks" {\n%s  name                = "id"\n'
    uami += '  location            = "eastus2"\n  resource_group_name = "rg"\n}\n'
    good = {
        "a.tf": 'module "net" {\n  source = "./net"\n}\n',
        "b.tf": uami % "  count               = 1\n",
    }
    assert check_terraform_sources(good) == []
    bad = {
        "a.tf": 'module "net" {\n  version = "1.0"\n}\n',
        "b.tf": uami % "  count               = 1\n  for_each            = {}\n",
        "c.tf": uami % "",
    }
    assert found(check_terraform_sources(bad)) == {
        ("missing-argument", "module.net.source"),
        ("invalid-block", "azurerm_user_assigned_identity.aks"),
        ("duplicate", "azurerm_user_assigned_identity.aks"),
    }


def test_too_few_blocks_with_a_custom_schema() -> None:
    schema = {
        "resources": {
            "azurerm_thing": {
                "attributes": {},
                "blocks": {
                    "rule": {
                        "attributes": {},
                        "blocks": {},
                        "nesting_mode": "list",
                        "min_items": 2,
                        "max_items": 3,
                    }
                },
            }
        }
    }
    text = 'resource "azurerm_thing" "t" {\n' + "  rule {}\n" * 2 + "}\n"
    assert check_terraform_sources({"t.tf": text}, schema=schema) == []
    one = text.replace("  rule {}\n", "", 1)
    assert found(check_terraform_sources({"t.tf": one}, schema=schema)) == {
        ("too-few-blocks", "azurerm_thing.t.rule")
    }
    four = text.replace("  rule {}\n", "  rule {}\n" * 3, 1)
    assert found(check_terraform_sources({"t.tf": four}, schema=schema)) == {
        ("too-many-blocks", "azurerm_thing.t.rule")
    }


# --------------------------------------------------------------------------- terraform fmt

needs_terraform = pytest.mark.skipif(find_terraform() is None, reason="no terraform binary")


@needs_terraform
def test_fmt_clean_module_passes(tmp_path: Path) -> None:
    result = terraform_fmt_check(write(tmp_path, CLEAN))
    assert result is not None
    ok, output = result
    assert ok, output


@needs_terraform
def test_fmt_reports_misformatted_file_with_a_diff(tmp_path: Path) -> None:
    files = edit("network.tf", '  name     = "rg-${local.name}"\n', '  name = "${local.name}"\n')
    ok, output = terraform_fmt_check(write(tmp_path, files))
    assert not ok
    assert "network.tf" in output
    assert "+  name     = local.name" in output


def test_fmt_returns_none_without_a_binary(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tfcheck, "find_terraform", lambda: None)
    assert terraform_fmt_check(write(tmp_path, CLEAN)) is None
