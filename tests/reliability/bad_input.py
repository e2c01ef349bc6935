"""Running a bad input case: a copy of a domain that has registered (and, in the full run, built)
the corpus's resource from a good file, the bad file or policy put in place, then `sluice build`
through the real CLI, or the same steps in-process without Prefect (plan, ingest, validate,
de-identify), with the exit code the CLI maps each error to."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flows.errors import IngestRefused, user_errors
from flows.pipeline import prepare
from flows.pipeline.plan import plan_build
from flows.settings import Paths
from governance.state import State
from tests.e2e.conftest import TODAY, Workspace
from tests.reliability.corpus import files
from tests.reliability.corpus.cases import FOLDER, MISSING, Case

POLICY = "policy.yaml"
SOURCE = Path("domain") / "raw" / "visits.csv"


def cli_env(root: Path, prefect_home: Path) -> dict[str, str]:
    """The environment of the CLI in `root`. PREFECT_API_URL is left unset (Prefect's own
    temporary server): set but empty, Prefect's event worker logs a traceback per event."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {
        **env,
        "SLUICE_HOME": str(root / "domain"),
        "SLUICE_PUBLISH_DIR": str(root / "published"),
        "PREFECT_HOME": str(prefect_home),
        "SLUICE_TODAY": TODAY,
        "SLUICE_ACTOR": "reliability",
    }


def base_domain(root: Path, prefect_home: Path, *, build: bool) -> Workspace:
    """The corpus policy and its good file, registered; built once when `build` (so a bad
    input must not add a version), else its ingest of 300 rows recorded as a build would."""
    ws = Workspace(root, cli_env(root, prefect_home))
    (root / SOURCE).parent.mkdir(parents=True)
    (root / POLICY).write_text(files.POLICY, "utf-8")
    (root / SOURCE).write_bytes(files.GOOD)
    for args in (("register", POLICY), ("build", POLICY))[: 2 if build else 1]:
        done = ws.sluice(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    if not build:
        State(Paths(root / "domain", root / "published").state).record_resource(
            {"resource_id": "visits", "title": "门诊记录", "department": "卫生健康委员会",
             "source": "raw/visits.csv", "format": "csv", "update_frequency": "weekly",
             "policy_path": POLICY, "policy_sha256": "", "rows_ingested": files.ROWS,
             "rows_quarantined": 0}
        )  # fmt: skip
    return ws


def place(case: Case, base: Workspace, root: Path) -> Workspace:
    """A copy of the base domain with the case's file and policy in place."""
    shutil.copytree(base.root, root)
    source = root / SOURCE
    if case.raw in (MISSING, FOLDER):
        source.unlink()
        if case.raw == FOLDER:
            source.mkdir()
    elif case.raw is not None:
        source.write_bytes(case.raw_bytes())
    if case.policy is not None:
        (root / POLICY).write_text(case.policy, "utf-8")
    env = {**base.env, "SLUICE_HOME": str(root / "domain")}
    return Workspace(root, {**env, "SLUICE_PUBLISH_DIR": str(root / "published")})


def published(root: Path) -> set[str]:
    """Every path under published/ but the audit log's checkpoints, which a refusal (an
    audited act) moves on."""
    found = (root / "published").rglob("*")
    return {str(p.relative_to(root)) for p in found if not p.name.startswith("audit-")}


def in_process(root: Path) -> tuple[int, str]:
    """What `sluice build policy.yaml` would exit with and say, up to the end of de-identifying
    (nothing is built or published): 3 for a refused ingest, 2 for any other user error."""
    paths = Paths(root / "domain", root / "published")
    try:
        plan = plan_build(root / POLICY, None, paths)
        load_key = prepare.key_loader(paths, State(paths.state))
        for loaded in plan.policies().values():
            staged = prepare.ingest(loaded, paths)
            checked = prepare.validate(loaded, staged)
            prepare.deidentify(loaded, staged, checked, paths, load_key)
    except IngestRefused as refused:
        return 3, str(refused)
    except (*user_errors(), OSError) as error:
        return 2, str(error)
    finally:
        shutil.rmtree(paths.work, ignore_errors=True)
    return 0, ""
