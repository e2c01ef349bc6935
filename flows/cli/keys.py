"""`sluice keys rotate`: replace a pseudonymisation key on purpose, audited, and rebuild the
products built with it (their pseudonyms, and a verification index's, change with the key)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import err, out, relative
from flows.settings import Paths

keys_app = typer.Typer(help="Pseudonymisation keys: rotation.", no_args_is_help=True)


def attach(app: typer.Typer) -> None:
    """Add the `keys` group to the main command line."""
    app.add_typer(keys_app, name="keys")


@keys_app.command()
def rotate(
    key_id: Annotated[str, typer.Argument(help="The key to replace, as policies name it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (goes into the audit log).")],
    rebuild: Annotated[
        Path | None,
        typer.Option(
            "--rebuild",
            help="Policy file or folder: build the products built with the key, now.",
        ),
    ] = None,
) -> None:
    """Replace a key with a new one: the old key is kept aside in keys/, the rotation audited,
    and the products built with the key listed (and built, with --rebuild)."""
    from flows.pipeline.key_dependents import dependents
    from flows.services.key_rotation import rotate as rotate_key

    paths = Paths.from_env()
    found = dependents(key_id, paths, rebuild)  # before rotating: a bad policy stops it here
    rotated = rotate_key(paths, key_id, reason)
    kept = f"; the old key is kept as {relative(rotated.retired)}" if rotated.retired else ""
    out.print(
        f"key '{key_id}' rotated: fingerprint {rotated.old_fingerprint or '(file was gone)'} -> "
        f"{rotated.new_fingerprint}{kept}",
        highlight=False,
    )
    if not found:
        out.print("no declared product is built with this key", highlight=False)
        return
    names = ", ".join(d.product for d in found)
    if rebuild is None:
        err.print(
            f"these products were built with the old key and must be rebuilt: {names}; run "
            "`sluice build` on their policies (they are no longer up to date)",
            highlight=False,
        )
        return
    from flows.cli.build import build

    out.print(f"rebuilding the products built with the key: {names}", highlight=False)
    build(rebuild, [d.product for d in found])
