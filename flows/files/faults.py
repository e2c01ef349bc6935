"""Named crash points, for proving recovery: with SLUICE_CRASH_AT=<name> the process kills
itself (SIGKILL, as `kill -9` would) when it reaches that point, so the reliability suite can
stop a publication or a verification batch exactly between two of its steps. Unset, a point
costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

VARIABLE = "SLUICE_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, at once and without cleaning up, when SLUICE_CRASH_AT names this point."""
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
