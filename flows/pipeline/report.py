"""The report a product run leaves where operators watch runs (a Prefect Markdown artifact):
what was published, how much of it was suppressed, which privacy checks it passed, or why it
was refused. Counts and names only, never a value from the data."""

from __future__ import annotations

import re

from flows.pipeline.results import ProductOutcome, Status


def product_report(outcome: ProductOutcome) -> tuple[str, str, str]:
    """The artifact key (Prefect allows lowercase letters, digits and dashes), its Markdown
    and its one-line description."""
    key = "product-" + re.sub(r"[^a-z0-9-]+", "-", outcome.product.lower()).strip("-")
    lines = [f"# {outcome.product}", "", "| | |", "|---|---|"]
    lines += [f"| kind | {outcome.kind} |", f"| status | {outcome.status} |"]
    if outcome.version is not None:
        lines.append(f"| version | {outcome.version} |")
    if outcome.rows is not None:
        lines.append(f"| rows | {outcome.rows:,} |")
    if outcome.suppressed is not None:
        lines.append(f"| suppressed | {outcome.suppressed:.1%} |")
    if outcome.resources:
        lines.append(f"| resources | {', '.join(outcome.resources)} |")
    if outcome.authorization:
        lines.append(f"| authorization | {outcome.authorization} |")
    if outcome.checks:
        lines += ["", "## Privacy checks passed", ""]
        lines += [f"- {check}" for check in outcome.checks]
    if outcome.status is Status.REFUSED:
        clause = f" (clause {outcome.clause})" if outcome.clause else ""
        lines += ["", f"## Refused{clause}", "", _quoted(outcome.message)]
    description = f"{outcome.product}: {outcome.status}"
    if outcome.version is not None:
        description += f" v{outcome.version}"
    return key, "\n".join(lines) + "\n", description


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])
