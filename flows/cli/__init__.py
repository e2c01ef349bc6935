"""The `sluice` command line: typer commands only, one module per group of commands; the work
is done by the pipeline and the services, and the commands render what they return."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import typer

from flows.cli import (
    anonymize,
    audit,
    authorization,
    build,
    classify,
    disclose,
    doctor,
    feedback,
    keys,
    ledger,
    objection,
    published,
    registry,
    risk,
    sample,
    schema,
    serve,
    statement,
    verify,
    version,
)
from flows.errors import user_errors
from flows.services.checkpoints import publish_head
from flows.services.recovery import reconcile
from flows.services.writer import exclusive_until_exit
from flows.settings import Paths
from governance.duck import STATE_ERRORS

app = typer.Typer(
    help="Sluice: raw public data in, only products that passed the privacy gate out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (sample, classify, registry, authorization, build, verify, anonymize, published):
    group.attach(app)
for group in (ledger, risk, audit, schema, keys, statement):
    group.attach(app)
doctor.attach(app)
version.attach(app)
serve.attach(app)
disclose.attach(app)
for group in (feedback, objection):
    group.attach(app)


READERS = {
    "plan", "schema", "sample", "classify", "catalog", "quarantine", "ledger", "risk",
    "anonymize", "audit show", "audit verify", "registry list", "registry show",
    "registry history", "registry export", "statement", "objection list", "objection show",
    "feedback list", "deployments", "serve",
}  # fmt: skip
"""Commands that change nothing in the domain (a served build takes the lock for its own run);
every other one holds the writer lock."""


def main() -> None:
    """Entry point: user errors print a message and exit non-zero, never a traceback."""
    try:
        with _writer(sys.argv[1:]):
            app()
    except (*user_errors(), OSError) as exc:  # OSError: unwritable folder, missing file, full disk
        for line in str(exc).splitlines():
            sys.stderr.write(f"error: {line}\n")
        sys.exit(2)
    except STATE_ERRORS as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(
            f"error: the domain's state could not be read or written ({first}); "
            "run `sluice doctor` to check it\n"
        )
        sys.exit(4)


def _writer(args: list[str]) -> AbstractContextManager[None]:
    """The domain's writer lock for a command that writes, else nothing."""
    words = [a for a in args if not a.startswith("-")][:2]
    if not words or "--help" in args or args[:1] == ["--version"]:  # a product's --version writes
        return nullcontext()
    if words[0] in READERS or " ".join(words) in READERS:
        return nullcontext()
    if words[0] == "doctor" and "--check-only" in args:  # looks, and must not repair
        return nullcontext()
    return _recovered(Paths.from_env(), "sluice " + " ".join(words))


@contextmanager
def _recovered(paths: Paths, what: str) -> Iterator[None]:
    """Hold the writer lock, first finish or undo what a crash left under way, and last
    publish the audit log's newest signed checkpoint."""
    exclusive_until_exit(paths, what)  # held to the process's end, its exit work included
    for line in reconcile(paths):
        sys.stderr.write(f"recovered: {line}\n")
    try:
        yield
    finally:
        publish_head(paths)  # whatever the command audited is vouched for outside
