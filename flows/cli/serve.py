"""`sluice serve` and `sluice deployments`: the domain's builds on a schedule, on a real Prefect
server, and what that server holds of them."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from flows.cli.console import err, folding_table, out, relative
from flows.services import prefect_server
from flows.settings import Paths

if TYPE_CHECKING:
    from flows.pipeline.deployments import Offered

_QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def attach(app: typer.Typer) -> None:
    """Add `serve` and `deployments` to the main command line."""
    app.command()(serve)
    app.command()(deployments)


def serve(
    policies: Annotated[Path, typer.Argument(help="Policy folder.")] = Path("policies"),
    port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when PREFECT_API_URL is unset.")
    ] = 4200,
    ui: Annotated[bool, typer.Option(help="Serve Prefect's UI from the started server.")] = True,
    limit: Annotated[int, typer.Option(help="Runs at a time (builds take turns anyway).")] = 1,
) -> None:
    """Build every resource's products on its schedule until stopped (Ctrl-C): one deployment
    per resource and per index, on the server PREFECT_API_URL names or one started here."""
    from flows.pipeline.deployments import offered

    paths = Paths.from_env()
    os.environ["SLUICE_HOME"] = str(paths.home)  # runs, started elsewhere, write here
    os.environ["SLUICE_PUBLISH_DIR"] = str(paths.publish)
    found = offered(policies, paths)  # a policy error stops here, before any server starts
    _refuse_second(paths)
    for name, value in _QUIET.items():
        os.environ.setdefault(name, value)
    for stopping in (signal.SIGINT, signal.SIGTERM):  # SIGINT too when started in the background
        signal.signal(stopping, _stop)
    server = None
    try:
        server = _server(paths, port, ui=ui)
        os.environ["PREFECT_API_URL"] = server.api
        if server.ui:
            os.environ["PREFECT_UI_URL"] = server.ui
        _plain_logs(paths)
        prefect_server.record(paths, server)
        _show(found, server)
        _serve(found, limit)
    except KeyboardInterrupt:
        pass
    finally:
        prefect_server.forget(paths)
        if server is not None:
            server.stop()
    err.print("sluice serve stopped", highlight=False)


def _server(paths: Paths, port: int, *, ui: bool) -> prefect_server.Server:
    """The server PREFECT_API_URL or the active Prefect profile names (checked), else one
    started for the domain."""
    from flows.errors import BuildError

    named = os.environ.get("PREFECT_API_URL", "").strip()
    unset = "unset PREFECT_API_URL" if named else "run `prefect config unset PREFECT_API_URL`"
    named = named or _profile_api()
    if named:
        if not prefect_server.answers(named):
            raise BuildError(
                f"the Prefect API at {named} does not answer; start that server, or {unset} "
                "and `sluice serve` starts one on 127.0.0.1"
            )
        return prefect_server.Server(named, os.environ.get("PREFECT_UI_URL"))
    prefect_server.check_port(port)
    home = prefect_server.prefect_home(paths)
    os.environ["PREFECT_HOME"] = str(home)
    err.print(f"Starting a Prefect server on 127.0.0.1:{port} (PREFECT_HOME={home})...")
    return prefect_server.start(home, port, ui=ui)


def _profile_api() -> str:
    """The API the active Prefect profile names (`prefect config set PREFECT_API_URL=...`),
    unless PREFECT_API_URL is set, even empty, which then means none."""
    from flows.pipeline.runtime import api_configured

    if "PREFECT_API_URL" in os.environ or not api_configured():
        return ""
    from prefect.settings import get_current_settings

    return str(get_current_settings().api.url or "")


def _plain_logs(paths: Paths) -> None:
    """Served runs log a user error's message without a traceback (unless the user has
    logging settings of their own)."""
    from flows.pipeline.served_logs import logging_settings

    settings = logging_settings(paths.home / "prefect")
    if settings is not None:
        os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(settings)


def _refuse_second(paths: Paths) -> None:
    from flows.errors import BuildError

    running = prefect_server.serving(paths)
    if running:
        raise BuildError(
            f"`sluice serve` already runs for the domain {paths.home} (pid {running['pid']}, "
            f"API {running['api']}); stop it first, or list its deployments with "
            "`sluice deployments`"
        )


def _show(found: list[Offered], server: prefect_server.Server) -> None:
    table = folding_table(
        "deployment", "schedule", "from", "builds", title="Deployments of sluice-build",
        keys=(o.name for o in found),
    )  # fmt: skip
    for o in found:
        builds = relative(o.target) + (f" --product {' '.join(o.products)}" if o.products else "")
        table.add_row(o.name, o.timing.describe(), o.timing.source, builds)
    out.print(table)
    out.print(f"Prefect API: {server.api}", highlight=False)
    if server.ui:
        out.print(f"Prefect UI:  {server.ui}", highlight=False)
    out.print(
        "Run one now: prefect deployment run 'sluice-build/<deployment>'. Stop with Ctrl-C.",
        highlight=False,
    )


def _serve(found: list[Offered], limit: int) -> None:
    from prefect import serve as prefect_serve

    from flows.pipeline.served import runner_deployments

    prefect_serve(*runner_deployments(found), limit=limit, print_starting_message=False)


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (and SIGINT, even where the shell had it ignored) stops serving as Ctrl-C does."""
    raise KeyboardInterrupt


def deployments() -> None:
    """List the build's deployments on the Prefect server: schedule, next run, last run."""
    from flows.pipeline.served import listed

    api = prefect_server.api_to_list(Paths.from_env())
    found = listed(api)
    if not found:
        err.print(f"No deployments of sluice-build on {api}; register them with `sluice serve`.")
        return
    table = folding_table(
        "deployment", "schedule", "next run", "last run", title=f"Deployments on {api}",
        keys=(d.name for d in found),
    )  # fmt: skip
    for d in found:
        paused = d.paused and d.schedule != "on demand"
        schedule = f"{d.schedule} (paused)" if paused else d.schedule
        last = f"{d.last_state} {_when(d.last_time, d.timezone)}" if d.last_state else "never"
        table.add_row(d.name, schedule, _when(d.next_run, d.timezone) or "—", last.strip())
    out.print(table)


def _when(moment: dt.datetime | None, timezone: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
