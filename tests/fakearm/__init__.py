"""A local fake Azure Resource Manager for tests, driven through the real azure-mgmt clients.

    from tests.fakearm import FakeArm

    with FakeArm() as arm:
        arm.plant_resource_group("rg", "eastus")
        kwargs = arm.client_kwargs(retry_total=0)
        network = NetworkManagementClient(arm.credential(), arm.subscription_id, **kwargs)

What a client must know:
- Build clients with `**arm.client_kwargs(retry_total=0)`: base_url, a static bearer policy (the
  SDK's own policy refuses tokens over http) and polling_interval=0. A request without a bearer
  token is 401 AuthenticationFailed.
- PUTs of everything but resource groups, identities and role assignments/definitions are LROs:
  201/200 + Azure-AsyncOperation; provisioningState is Creating/Updating for faults.lro_seconds.
  Deletes of those (and of resource groups) are 202 + Location + Azure-AsyncOperation.
- A VNet PUT's `subnets` list is authoritative (a left-out subnet is deleted); an AKS cluster
  PUT's agentPoolProfiles are upserted, others kept.
- Error codes: ResourceNotFound, ResourceGroupNotFound, ParentResourceNotFound,
  SubscriptionNotFound, LocationRequired, MissingApiVersionParameter, AuthenticationFailed,
  AuthorizationFailed, PreconditionFailed, the network/AKS codes in validation.py, the role
  codes in authz.py, OperationNotAllowed (AKS busy), and the injected faults in faults.py.

Modules: server (lifecycle, helpers), handler (HTTP, request log, connection faults), api
(dispatch), resources (write semantics), validation (Azure's server-side checks), authz (roles
and permissions), render and render_aks (response bodies), catalog (per-type behaviour), store
(state and LROs), faults, ids, sdk (credential, auth policy), clients (SDK clients for tests).
"""

from .authz import CONTRIBUTOR, NETWORK_CONTRIBUTOR, OWNER, READER
from .catalog import FAKE_TENANT_ID
from .faults import FaultRule, Faults
from .sdk import FakeCredential, StaticBearerPolicy
from .server import DEFAULT_SUBSCRIPTION, FakeArm, RequestRecord

__all__ = [
    "CONTRIBUTOR",
    "DEFAULT_SUBSCRIPTION",
    "FAKE_TENANT_ID",
    "NETWORK_CONTRIBUTOR",
    "OWNER",
    "READER",
    "FakeArm",
    "FakeCredential",
    "FaultRule",
    "Faults",
    "RequestRecord",
    "StaticBearerPolicy",
]
