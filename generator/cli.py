"""The command line: parse, call the library, report, exit. Nothing else lives here.

Exit codes (the contract): 0 no error findings; 1 error findings, a refused render or a failed
resource; 2 an intent could not be read (or Azure could not be reached); 3 render would overwrite
files aksnet did not write.
"""

from __future__ import annotations

import contextlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from generator import __version__, plugins
from generator.errors import AksnetError

# pydantic scans every installed package's entry points for plugins on first use; a CLI that
# starts in a fraction of a second does not want that (set PYDANTIC_DISABLE_PLUGINS to opt in).
plugins.defer()

app = typer.Typer(
    name="aksnet",
    help="Plan, check, render and provision Azure Kubernetes Service networks before anything "
    "exists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_state = {"debug": False}


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class OutFormat(StrEnum):
    text = "text"
    json = "json"


class Target(StrEnum):
    terraform = "terraform"
    bicep = "bicep"
    arm = "arm"


class Starter(StrEnum):
    """The models `init` writes a starter for (the keys of generator.starter.STARTERS)."""

    auto = "auto"
    overlay = "overlay"
    cilium = "cilium"
    pod_subnet = "pod-subnet"
    static_block = "static-block"
    node_subnet = "node-subnet"
    kubenet = "kubenet"
    byo_cni = "byo-cni"


class Cloud(StrEnum):
    AzureCloud = "AzureCloud"
    AzureChinaCloud = "AzureChinaCloud"
    AzureUSGovernment = "AzureUSGovernment"


Intents = Annotated[list[Path], typer.Argument(help="intent YAML file(s)", show_default=False)]
OneIntent = Annotated[Path, typer.Argument(help="intent YAML file", show_default=False)]
Subscription = Annotated[str | None, typer.Option(
    help="subscription id (default: $AZURE_SUBSCRIPTION_ID)", show_default=False)]
CloudOpt = Annotated[Cloud, typer.Option(help="Azure cloud")]
Endpoint = Annotated[str | None, typer.Option(
    "--arm-endpoint", envvar="AKSNET_ARM_ENDPOINT", show_default=False,
    help="another Resource Manager endpoint (sovereign or private clouds, test servers)")]


@contextlib.contextmanager
def handled():
    """The one place that turns an AksnetError into a message and an exit code."""
    try:
        yield
    except AksnetError as exc:
        if _state["debug"]:
            raise
        findings = getattr(exc, "findings", ())
        for finding in findings:
            line = f":{finding.line}" if finding.line else ""
            print(f"{finding.intent}{line}  {finding.rule}  {finding.message}", file=sys.stderr)
        if not findings:
            print(f"aksnet: {exc.message}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None


def _version(value: bool) -> None:
    if value:
        print(f"aksnet {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def validate(
    intents: Intents,
    format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
) -> None:
    """Check intents against every prerequisite rule and print the findings."""
    from generator import commands

    raise typer.Exit(commands.validate(intents, str(format)))


@app.command()
def plan(
    intent: OneIntent,
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.text,
    live: Annotated[bool, typer.Option("--live", help="read Azure and mark create / update / "
                                       "no-op (sends only reads)")] = False,
    subscription: Subscription = None,
    cloud: CloudOpt = Cloud.AzureCloud,
    arm_endpoint: Endpoint = None,
) -> None:
    """Resolve an intent: model, defaults, address allocation, capacity and resources."""
    from generator import commands

    options = None
    with handled():
        if live:
            from generator.provision.runner import AzureOptions

            options = AzureOptions.resolve(subscription, str(cloud), arm_endpoint)
        code = commands.plan(intent, str(format), options)
    raise typer.Exit(code)


@app.command()
def render(
    intents: Intents,
    target: Annotated[Target, typer.Option("--target", "-t", help="what to write")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output directory (default "
                   "./<name>-<target>); with several intents, one folder per intent name",
                   show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite files aksnet did not "
                                        "write")] = False,
) -> None:
    """Write Terraform, Bicep or ARM files for valid intents (nothing is written otherwise)."""
    from dataclasses import replace

    from generator import report
    from generator.render import plan_outputs, write_all
    from generator.validate import exit_code, validate_file

    results = [validate_file(p) for p in intents]
    code = exit_code(results)
    with handled():
        outputs, findings = plan_outputs(results, str(target), out) if code == 0 else ({}, {})
    checked = [replace(r, findings=(*r.findings, *findings.get(r.source, ()))) for r in results]
    code = max(code, exit_code(checked))
    if code:
        print(report.findings_text(checked))
        print("aksnet: nothing written", file=sys.stderr)
        raise typer.Exit(code)
    with handled():
        written = write_all(outputs, force=force)
    for path in written:
        print(path)
    raise typer.Exit(0)


@app.command()
def apply(
    intent: OneIntent,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="read only; print what would "
                                          "change")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.text,
    subscription: Subscription = None,
    cloud: CloudOpt = Cloud.AzureCloud,
    arm_endpoint: Endpoint = None,
) -> None:
    """Provision the plan through the Azure SDK, idempotently (never deletes anything)."""
    from generator.commands import print_findings
    from generator.validate import exit_code, validate_file

    result = validate_file(intent)
    if not result.valid:
        print_findings([result], str(format))
        raise typer.Exit(exit_code([result]))
    with handled():
        from generator.provision.runner import AzureOptions, run_apply

        options = AzureOptions.resolve(subscription, str(cloud), arm_endpoint)
        code = run_apply(result.plan, result.findings, result.source, options=options,
                         dry_run=dry_run, yes=yes, fmt=str(format), smap=result.smap)
    raise typer.Exit(code)


@app.command()
def rules(
    rule_id: Annotated[str | None, typer.Argument(help="a rule ID to explain",
                                                  show_default=False)] = None,
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.text,
) -> None:
    """List the rule catalog, or explain one rule (what, why, fix, docs link)."""
    from generator.rulestext import explain, listing

    if rule_id is None:
        code, text = 0, listing(str(format))
    else:
        code, text = explain(rule_id, str(format))
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    raise typer.Exit(code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the intent format (for editor completion)."""
    import json

    from generator.intent import Intent

    print(json.dumps(Intent.model_json_schema(by_alias=True), indent=2))


@app.command()
def init(
    model: Annotated[Starter, typer.Option("--model", "-m", help="the network model to start "
                     "from")] = Starter.overlay,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default: "
                   "stdout); never overwrites an existing file", show_default=False)] = None,
    name: Annotated[str, typer.Option(help="cluster name")] = "my-cluster",
    location: Annotated[str, typer.Option(help="Azure region")] = "eastus2",
) -> None:
    """Write a commented starter intent."""
    from generator.starter import starter

    with handled():
        text = starter(str(model), name, location)
        if out is None:
            print(text, end="")
            raise typer.Exit(0)
        if out.exists():
            print(f"aksnet: {out} exists; not overwritten", file=sys.stderr)
            raise typer.Exit(3)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(out)

