"""Provisioning: the plan's resources in Azure, read (diff, live checks) and written (apply).

    runner.py    the CLI's entry points: AzureOptions, live_changes (plan --live), run_apply
    refs.py      resource addresses and Ref resolution (ids, principalIds read from Azure),
                 and `parse`, the one reader of resource ids
    caseless.py  case-insensitive reading of Azure's answers (property names, ids)
    backend.py   the one narrow seam: the Backend protocol, BackendError, InMemoryBackend
    arm.py       AzureBackend: one small adapter per resource type over the typed clients
    diff.py      desired vs live: create / update (differing properties) / no-op
    immutable.py changes AKS cannot make in place (refused, with a finding)
    live.py      live prerequisite checks on existing resources (the catalog's live rules)
    access.py    ... the identity's and the caller's permissions (NET-IAM-001/002/007)
    nsgrules.py  ... NSGs on existing subnets (NET-NSG-001/002)
    apply.py     reads, then writes in dependency order, independent resources in parallel
    progress.py  what the user sees: live display, plain lines or JSON events, the summary

Nothing here imports `azure.*` at module level except arm.py, which only runner.py imports,
inside the functions that need Azure. validate, plan and render never load the SDK.
"""
