"""ARM-shaped errors raised anywhere in the fake and turned into HTTP responses by the server.

The codes and messages imitate what Azure Resource Manager and the resource providers return,
so SDK callers see the same exception types and `error.code` values as against Azure.
"""

from __future__ import annotations


class ArmError(Exception):
    """An error response: HTTP status plus the `{"error": {...}}` envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "details": []}
        if self.target:
            error["target"] = self.target
        return {"error": error}


def bad_request(code: str, message: str, target: str | None = None) -> ArmError:
    return ArmError(400, code, message, target=target)


def resource_not_found(type_: str, name: str, rg: str | None) -> ArmError:
    where = f" under resource group '{rg}'" if rg else ""
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{type_}/{name}'{where} was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def rg_not_found(rg: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")


def parent_not_found(parent_id: str) -> ArmError:
    # ARM names the missing parent by its type and name; the id carries both.
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Failed to perform the requested operation on a nested resource. "
        f"Parent resource '{parent_id}' not found.",
    )


def subscription_not_found(sub: str) -> ArmError:
    return ArmError(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")
