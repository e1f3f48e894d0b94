"""The REST API versions the plan's resources carry.

They are the defaults of the installed azure-mgmt packages (a test imports the SDK and checks), so
what Bicep and ARM declare is exactly what the SDK path sends. Kept as constants so that validate,
plan and render never import the SDK.
"""

CONTAINER_SERVICE = "2026-08-01"  # azure-mgmt-containerservice 41.8.0
NETWORK = "2026-03-01"  # azure-mgmt-network 33.1.0 (per operation)
MANAGED_IDENTITY = "2024-11-30"  # azure-mgmt-msi 7.1.0 default profile
AUTHORIZATION = "2022-04-01"  # azure-mgmt-authorization 4.0.0: role assignments and definitions
RESOURCES = "2025-04-01"  # azure-mgmt-resource 26.0.0 (resources client)

BY_TYPE = {
    "Microsoft.Resources/resourceGroups": RESOURCES,
    "Microsoft.Network/virtualNetworks": NETWORK,
    "Microsoft.Network/virtualNetworks/subnets": NETWORK,
    "Microsoft.Network/routeTables": NETWORK,
    "Microsoft.Network/routeTables/routes": NETWORK,
    "Microsoft.Network/natGateways": NETWORK,
    "Microsoft.Network/publicIPAddresses": NETWORK,
    "Microsoft.ManagedIdentity/userAssignedIdentities": MANAGED_IDENTITY,
    "Microsoft.Authorization/roleDefinitions": AUTHORIZATION,
    "Microsoft.Authorization/roleAssignments": AUTHORIZATION,
    "Microsoft.ContainerService/managedClusters": CONTAINER_SERVICE,
}
