"""Azure access: subscription, cloud and endpoint resolution, where a bearer token may go, the
static token, and that the SDK is imported only on the provisioning path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import AzureAccessError
from generator.provision.runner import AzureOptions, is_loopback

from .helpers import ROOT

SUB = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("AZURE_SUBSCRIPTION_ID", "AKSNET_ARM_ENDPOINT", "AKSNET_POLL_INTERVAL"):
        monkeypatch.delenv(name, raising=False)


def test_subscription_from_argument_or_environment(monkeypatch):
    with pytest.raises(AzureAccessError) as missing:
        AzureOptions.resolve(None, "AzureCloud", None)
    assert missing.value.exit_code == 2 and "--subscription" in missing.value.message
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    assert AzureOptions.resolve(None, "AzureCloud", None).subscription == SUB
    assert AzureOptions.resolve("other-sub", "AzureCloud", None).subscription == "other-sub"
    with pytest.raises(AzureAccessError):
        AzureOptions.resolve("../../providers/x", "AzureCloud", None)


@pytest.mark.parametrize(("cloud", "endpoint", "scope"), [
    ("AzureCloud", "https://management.azure.com", "https://management.azure.com/.default"),
    ("AzureChinaCloud", "https://management.chinacloudapi.cn",
     "https://management.chinacloudapi.cn/.default"),
    ("AzureUSGovernment", "https://management.usgovcloudapi.net",
     "https://management.usgovcloudapi.net/.default"),
])
def test_clouds(cloud, endpoint, scope):
    options = AzureOptions.resolve(SUB, cloud, None)
    assert (options.endpoint, options.scope) == (endpoint, scope)


def test_endpoint_from_argument_or_environment(monkeypatch):
    monkeypatch.setenv("AKSNET_ARM_ENDPOINT", "https://arm.contoso.example/")
    assert AzureOptions.resolve(SUB, "AzureCloud", None).endpoint == "https://arm.contoso.example"
    options = AzureOptions.resolve(SUB, "AzureCloud", "http://127.0.0.1:8443")
    assert options.endpoint == "http://127.0.0.1:8443"
    assert options.scope == "https://management.azure.com/.default"  # audience stays the cloud's


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:1", "http://localhost:1",
                                      "http://[::1]:1", "http://127.5.6.7"])
def test_plain_http_only_to_loopback(endpoint):
    assert AzureOptions.resolve(SUB, "AzureCloud", endpoint).endpoint == endpoint


@pytest.mark.parametrize("endpoint", ["http://management.azure.com", "http://10.0.0.1:80",
                                      "http://127.0.0.1.nip.io", "ftp://127.0.0.1", "nonsense"])
def test_a_token_is_never_sent_over_plain_http_elsewhere(endpoint):
    with pytest.raises(AzureAccessError):
        AzureOptions.resolve(SUB, "AzureCloud", endpoint)


def test_the_cli_refuses_a_remote_http_endpoint(monkeypatch):
    monkeypatch.setenv("AKSNET_ACCESS_TOKEN", "test")
    sample = str(ROOT / "samples" / "overlay.yaml")
    for command in (["apply", sample, "--dry-run"], ["plan", sample, "--live"]):
        result = CliRunner().invoke(app, [*command, "--subscription", SUB,
                                          "--arm-endpoint", "http://arm.example"])
        assert result.exit_code == 2
        assert "plain http" in result.stderr


def test_the_policy_rechecks_every_request(monkeypatch):
    """LRO polling URLs come from the server: the bearer policy itself refuses http elsewhere."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.core.pipeline import PipelineContext, PipelineRequest
    from azure.core.rest import HttpRequest

    from generator.provision.arm import StaticToken, loopback_policy

    policy = loopback_policy(StaticToken("test"), "https://management.azure.com/.default")

    def request(url):
        return PipelineRequest(HttpRequest("GET", url), PipelineContext(None))

    local = request("http://127.0.0.1:1/subscriptions/x")
    policy.on_request(local)
    assert local.http_request.headers["Authorization"] == "Bearer test"  # used as it is
    with pytest.raises(ClientAuthenticationError):
        policy.on_request(request("http://10.0.0.1/subscriptions/x"))
    secure = request("https://management.azure.com/subscriptions/x")
    policy.on_request(secure)
    assert secure.http_request.headers["Authorization"] == "Bearer test"


def test_is_loopback():
    assert is_loopback("http://127.0.0.1:5") and is_loopback("http://[::1]/")
    assert not is_loopback("http://10.1.1.1") and not is_loopback("http://example.com")


PROBE = """
import json, sys
import generator.provision.runner, generator.provision.live, generator.provision.access
import generator.provision.nsgrules, generator.provision.progress, generator.provision.immutable
from generator.provision.backend import InMemoryBackend
from generator.validate import validate_file
from generator.provision.runner import survey
survey(validate_file(sys.argv[1]).plan, InMemoryBackend())
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'azure')))
"""


def test_the_sdk_is_imported_only_by_the_azure_backend():
    sample = str(ROOT / "samples" / "kubenet.yaml")
    done = subprocess.run([sys.executable, "-c", PROBE, sample], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
