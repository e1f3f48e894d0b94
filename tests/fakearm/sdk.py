"""What an azure-mgmt client needs to talk to the fake over plain http.

The SDK's default ARMChallengeAuthenticationPolicy refuses to send a bearer token over http
(`ServiceRequestError: Bearer token authentication is not permitted for non-TLS protected
(non-https) URLs`). Replacing it with a policy that sets a static header avoids that without
passing `enforce_https=False` on every call.
"""

from __future__ import annotations

import time

from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy

FAKE_TOKEN = "fake-token"


class FakeCredential:
    """Duck-typed TokenCredential: any scope, a token that never expires during a test run."""

    def __init__(self, token: str = FAKE_TOKEN) -> None:
        self.token = token
        self.scopes_requested: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        self.scopes_requested.append(scopes)
        return AccessToken(self.token, int(time.time()) + 365 * 24 * 3600)

    def close(self) -> None:
        pass


class StaticBearerPolicy(SansIOHTTPPolicy):
    """Sets `Authorization: Bearer <token>` on every request, http or https."""

    def __init__(self, token: str = FAKE_TOKEN) -> None:
        self.token = token

    def on_request(self, request) -> None:
        request.http_request.headers["Authorization"] = f"Bearer {self.token}"
