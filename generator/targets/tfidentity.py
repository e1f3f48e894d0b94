"""The identity part of the Terraform context: the cluster's user-assigned identity (created, or
read as a data source), a custom role definition, and the role assignments, as the templates
print them (identity.tf).

A mixin of the Terraform target's builder: it relies on the core's `plan`, `block`, `placed`,
`existing`, `ref` and `value` (tfcore.Core).
"""

from __future__ import annotations

from typing import Any

from generator import resources as arm


class IdentityBlocks:
    def identity(self) -> dict[str, Any]:
        ident = self.plan.by_symbol("identity")
        out: dict[str, Any] = {
            "created": None,
            "data": None,
            "role_definition": None,
            "assignments": [],
        }
        if ident and ident.existing:
            out["data"] = self.existing(ident)
        elif ident:
            out["created"] = self.placed(ident)
        for res in self.plan.of_type(arm.ROLE_DEFINITION):
            if not res.existing:
                props = res.properties
                scopes = [self.value(s) for s in props["assignableScopes"]]
                perms = props["permissions"][0]
                out["role_definition"] = self.block(
                    res,
                    role_definition_id=res.name,
                    name=props["roleName"],
                    scope=scopes[0],
                    description=props["description"],
                    actions=perms["actions"],
                    not_actions=perms["notActions"],
                    assignable_scopes=scopes,
                )
        for res in self.plan.of_type(arm.ROLE_ASSIGNMENT):
            props = res.properties
            out["assignments"].append(
                self.block(
                    res,
                    name=res.name,
                    scope=self.value(res.scope),
                    role_definition_id=self.ref(props["roleDefinitionId"]),
                    principal_id=self.ref(props["principalId"]),
                    principal_type=props["principalType"],
                )
            )
        return out
