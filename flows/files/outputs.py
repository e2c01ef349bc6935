"""Where a command may write a file the user names (--out and the like): never into the
published area, which only the egress gate fills; never into the data domain except where a
command is designed to (sample data into raw/); never over one of the command's own inputs.
Checked before anything is read or written, so a refused command leaves no trace."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from flows.errors import BuildError
from flows.settings import Paths


def check_output(
    paths: Paths,
    option: str,
    target: Path,
    *,
    inputs: Mapping[str, Path | None] | None = None,
    allowed: Sequence[Path] = (),
) -> None:
    """Refuse `target` (given as `option`) when it lies in published/, in the domain outside
    the `allowed` folders, or is the same file as one of the named `inputs`."""
    resolved = target.resolve()
    publish = paths.publish.resolve()
    if resolved.is_relative_to(publish):
        raise BuildError(
            f"{option} {target} is inside the published area {publish}: only `sluice build` "
            "writes there, through the egress gate; write the file elsewhere (e.g. answers/)"
        )
    home = paths.home.resolve()
    if resolved.is_relative_to(home) and not any(
        resolved.is_relative_to(a.resolve()) for a in allowed
    ):
        raise BuildError(
            f"{option} {target} is inside the data domain {home}, which only Sluice's own "
            "files live in; write the file outside it"
        )
    for name, given in (inputs or {}).items():
        if given is not None and _same(resolved, given):
            raise BuildError(
                f"{option} {target} is the same file as {name} {given}: writing it would destroy "
                f"the input; give {option} another file"
            )


def _same(resolved: Path, given: Path) -> bool:
    if resolved == given.resolve():
        return True
    try:
        return os.path.samefile(resolved, given)  # hard links
    except OSError:
        return False
