"""`aksnet init`: a commented starter intent for a model, rendered from templates/init/."""

from __future__ import annotations

from generator.errors import AksnetError

# What each starter sets; the template writes the comments.
STARTERS = {
    "auto": {"model": "auto", "dataplane": "azure", "allocation": None},
    "overlay": {"model": "overlay", "dataplane": "azure", "allocation": None},
    "cilium": {"model": "overlay", "dataplane": "cilium", "allocation": None},
    "pod-subnet": {"model": "pod-subnet", "dataplane": "azure", "allocation": "dynamic"},
    "static-block": {"model": "pod-subnet", "dataplane": "azure", "allocation": "static-block"},
    "node-subnet": {"model": "node-subnet", "dataplane": "azure", "allocation": None},
    "kubenet": {"model": "kubenet", "dataplane": "azure", "allocation": None},
    "byo-cni": {"model": "byo-cni", "dataplane": "azure", "allocation": None},
}


def starter(model: str, name: str, location: str) -> str:
    if model not in STARTERS:
        raise AksnetError(f"unknown model {model!r}; choose one of {', '.join(STARTERS)}")
    import jinja2

    from generator.render import _CHECKOUT, _PACKAGED

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(_PACKAGED), str(_CHECKOUT)]),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )
    text = env.get_template("init/intent.yaml.jinja").render(
        name=name, location=location, **STARTERS[model])
    # A starter must read back: a --name or --location the intent refuses is said now, not when
    # the user first runs validate on the file.
    from generator.load import load_intent_bytes

    load_intent_bytes(text.encode("utf-8"), "(starter)")
    return text
