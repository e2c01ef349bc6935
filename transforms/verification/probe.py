"""Signs that a batch enumerates the data rather than verifies claims: one identifier claimed
with many different values (guessing a name), or far more claims failing than a client with
real claims would see. A batch showing either is refused whole, so guessing gains nothing."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.verification.answer import CLAIM, IDENTIFIER, STATUS
from transforms.verification.index import ClaimRule


def enumeration_signals(
    claims: pl.DataFrame,
    answers: pl.DataFrame,
    *,
    rules: Sequence[ClaimRule],
    max_values: int,
    max_no_match_share: float,
    min_claims: int,
) -> list[str]:
    """Why the batch looks like enumeration (empty when it does not).

    >>> claims = pl.DataFrame({"claim": ["id"] * 4, "identifier": ["1"] * 4,
    ...                        "name": ["a", "b", "c", "d"]})
    >>> answers = pl.DataFrame({"status": ["no_match"] * 4})
    >>> enumeration_signals(claims, answers, rules=[ClaimRule("id", match={"xm": "name"})],
    ...                     max_values=3, max_no_match_share=0.5, min_claims=20)
    ["1 identifier(s) claimed with more than 3 different values of 'name'"]
    """
    signals = []
    ident = compact_expr(pl.col(IDENTIFIER).cast(pl.String))
    for rule in rules:
        mine = claims.filter(pl.col(CLAIM).cast(pl.String) == rule.id)
        for field in rule.match.values():
            if field not in mine.columns or not mine.height:
                continue
            spread = (
                mine.group_by(ident.alias("__id"))
                .agg(compact_expr(pl.col(field).cast(pl.String)).n_unique().alias("__n"))
                .filter(pl.col("__n") > max_values)
            )
            if spread.height:
                signals.append(
                    f"{spread.height} identifier(s) claimed with more than {max_values} "
                    f"different values of '{field}'"
                )
    judged = answers.filter(pl.col(STATUS).is_in(["match", "no_match"]))
    if judged.height >= min_claims:
        share = judged.filter(pl.col(STATUS) == "no_match").height / judged.height
        if share > max_no_match_share:
            signals.append(
                f"{share:.0%} of {judged.height} matchable claims are no_match (limit "
                f"{max_no_match_share:.0%})"
            )
    return signals
