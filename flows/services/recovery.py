"""Recovery after a crash: publications left under way are finished or undone, by what the
domain's state committed (see flows/files/intents.py). Every command that writes runs this
first, under the writer lock, so no command ever starts from a half-published state."""

from __future__ import annotations

import shutil

from flows.files.intents import Intent, clear_intent, pending_intents
from flows.files.published import write_catalog
from flows.settings import Paths
from governance.state import State


def reconcile(paths: Paths) -> list[str]:
    """Finish or undo every publication left under way; says what was done, one line each."""
    done = []
    for intent in pending_intents(paths.home):
        done.append(_settle(paths, intent))
        clear_intent(intent)
    if done and paths.publish.is_dir():
        write_catalog(paths.publish)
    return done


def _settle(paths: Paths, intent: Intent) -> str:
    name = f"{intent.product} v{intent.version}"
    if State(paths.state).version(intent.product, intent.version) is None:
        shutil.rmtree(intent.tmp, ignore_errors=True)
        return f"{name}: the publication stopped before it was recorded; undone"
    if intent.final.is_dir():
        shutil.rmtree(intent.tmp, ignore_errors=True)
        return f"{name}: recorded and in place; the catalog rewritten"
    if intent.tmp.is_dir():
        intent.tmp.rename(intent.final)
        return f"{name}: recorded before a crash; moved into place"
    return f"{name}: recorded, but its folder is gone from {intent.final.parent}"
