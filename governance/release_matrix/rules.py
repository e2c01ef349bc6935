"""The release matrix as data: one row per rule, each with the id a refusal names.

Two sorts of row. Rules that hold for every product of their supply modes (`test` names what
they check: secret columns, recipients, identifiers, the authorization's scope). And the cells
of the matrix proper (`test: cell`): for a supply mode, a grade band (general, important, core)
and the forms of release a row covers, which of those forms may leave, and for records the
environments they may be released to and the weakest anonymisation they may have. The first
cell that matches a product decides it, and `sluice plan` shows it. docs/products.md
("Release matrix") renders this table with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from governance.policy.base import SupplyMode
from governance.policy.release import FORMS, Environment, Form

Band = Literal["general", "important", "core"]
"""GB/T 43697 levels: general data (general-1 to general-4), important data, core data."""
BANDS: tuple[Band, ...] = ("general", "important", "core")
MODES: tuple[SupplyMode, ...] = ("open", "shared", "authorized")
Test = Literal["cell", "secret", "recipients", "identifiers", "authorization"]


@dataclass(frozen=True)
class Rule:
    """One row of the matrix."""

    id: str
    test: Test
    modes: tuple[SupplyMode, ...]
    allows: str
    why: str
    fix: str = ""
    """What to change when the rule refuses a product."""
    grades: tuple[Band, ...] = BANDS
    forms: tuple[Form, ...] = FORMS
    """Cells: the forms of release the row covers."""
    allowed: tuple[Form, ...] = ()
    """Cells: the covered forms that may leave (none: the row refuses)."""
    environments: tuple[Environment, ...] | None = None
    """Cells: where records may be released to (None: anywhere)."""
    strength: Environment | None = None
    """Cells: the weakest anonymisation records may have, as the environment it meets."""
    pseudonyms: bool = False
    """Identifiers: a keyed pseudonym of a direct identifier may leave."""
    enforced_by: str | None = None
    """Where a rule that is checked elsewhere is enforced."""


GENERAL: tuple[Band, ...] = ("general",)
SHARED_OR_AUTHORIZED: tuple[SupplyMode, ...] = ("shared", "authorized")

RULES: tuple[Rule, ...] = (
    Rule(
        "any.no-secret",
        "secret",
        MODES,
        allows="nothing of a column marked `secret: true`, in any form: not as a dimension, "
        "measure, record, claim, filter or indicator",
        why="data that must be kept secret is never opened or supplied (2024 Opinions); "
        "even a count filtered on it discloses it",
        fix="remove the column from the product",
    ),
    Rule(
        "shared.named-recipients",
        "recipients",
        MODES,
        allows="a shared product only for the departments it names, each with its "
        "responsibility list; no other supply mode names recipients",
        why="sharing (共享) is between government departments under a responsibility list "
        "(责任清单): who holds the data and what they answer for is written down",
        fix="a shared product lists `recipients: [{department: ..., responsibilities: "
        "[...]}]`; other supply modes list none",
    ),
    Rule(
        "shared.pseudonyms-only",
        "identifiers",
        ("shared",),
        pseudonyms=True,
        allows="direct identifiers only as keyed pseudonyms (pseudonymize), never raw or masked",
        why="departments may link records through a keyed pseudonym; a raw or masked "
        "identifier identifies the person without the key (GB/T 37964)",
        fix="treat the column with `pseudonymize` (a keyed pseudonym), or leave it out",
    ),
    Rule(
        "open.no-identifiers",
        "identifiers",
        ("open",),
        allows="no direct identifier, not even a keyed pseudonym",
        why="a pseudonym is de-identified, not anonymised: it stays personal information "
        "(PIPL art. 73), and open data is only what is safe for everyone",
        fix="leave the column out of the product",
    ),
    Rule(
        "authorized.no-identifiers",
        "identifiers",
        ("authorized",),
        allows="no direct identifier, not even a keyed pseudonym",
        why="raw data never leaves the domain (原始数据不出域): an operator's product is "
        "usable but not visible, and a pseudonym links back to the person",
        fix="leave the column out of the product",
    ),
    Rule(
        "authorized.within-scope",
        "authorization",
        ("authorized",),
        allows="only what the held authorization covers: its status, term, operator, product "
        "kinds, purpose, scenario, resources, columns, domains and price cap",
        why="using data beyond the authorized scope is strictly prohibited (超范围使用严禁)",
        enforced_by="governance/authorization/scope.py (`refusal`), run for every authorized "
        "product by flows/services/authorizations.py (`check`) when a build is planned",
        fix="change the product, or the authorization and add it again",
    ),
    Rule(
        "open.no-core-data",
        "cell",
        ("open",),
        grades=("core",),
        allows="nothing",
        why="core data (核心数据) bears on national security; it is never opened, in any form",
        fix="do not open it: supply it under an authorization as records released to an "
        "enclave, or move the core columns to a resource of their own",
    ),
    Rule(
        "open.no-important-data",
        "cell",
        ("open",),
        grades=("important",),
        allows="nothing",
        why="important data (重要数据) harms national security or the public interest when "
        "it leaks; opening it to everyone cannot be undone, even aggregated",
        fix="share it with named departments or supply it under an authorization, aggregated "
        "or as records at the controlled level or stronger; or move the important columns "
        "to a resource of their own",
    ),
    Rule(
        "open.no-verification",
        "cell",
        ("open",),
        forms=("verification",),
        allows="no verification service",
        why="a verification service answers questions about one identified person or "
        "enterprise; anyone may ask, so open answers would be open personal data",
        fix="supply it under an authorization (supply_mode: authorized), or share it with "
        "named departments",
    ),
    Rule(
        "open.aggregates",
        "cell",
        ("open",),
        grades=GENERAL,
        forms=("aggregate",),
        allowed=("aggregate",),
        allows="models, private models and indices of general data",
        why="open data is aggregated or anonymised: a cell below the minimum group size is "
        "suppressed (or noised under differential privacy), and the gate re-counts every cell",
    ),
    Rule(
        "open.public-records",
        "cell",
        ("open",),
        grades=GENERAL,
        forms=("records",),
        allowed=("records",),
        environments=("public",),
        strength="public",
        allows="anonymised microdata of general data released to the public environment: "
        "every class of at least 20 records, no record's risk above 0.05",
        why="anyone may link open records with anything else; only the public environment's "
        "threshold (GB/T 37964 practice) holds against everyone, never a controlled or "
        "enclave one",
        fix="set `privacy.environment: public` (every class of at least 20 records), or share "
        "the records with named departments",
    ),
    Rule(
        "shared.no-core-data",
        "cell",
        ("shared",),
        grades=("core",),
        allows="nothing",
        why="core data is used only inside an enclave under an authorization that names "
        "its scope; a department's systems are not an enclave",
        fix="supply it under an authorization as records released to an enclave "
        "(`privacy.environment: enclave`, k of at least 5)",
    ),
    Rule(
        "important.no-verification",
        "cell",
        SHARED_OR_AUTHORIZED,
        grades=("important",),
        forms=("verification",),
        allows="no verification service",
        why="answers about an identified subject are neither aggregated nor anonymised; "
        "important data leaves only in those forms",
        fix="verify against a resource that holds no important data",
    ),
    Rule(
        "important.aggregated-or-controlled",
        "cell",
        SHARED_OR_AUTHORIZED,
        grades=("important",),
        forms=("aggregate", "records"),
        allowed=("aggregate", "records"),
        strength="controlled",
        allows="aggregates, and records anonymised at least to the controlled level (every "
        "class of at least 5 records, no record's risk above 0.2)",
        why="important data is supplied only aggregated or anonymised, and an enclave's "
        "k >= 3 is too weak for it (就高从严: the stricter reading wins)",
        fix="set `privacy.environment: controlled` or `public` (or `privacy.k` of at least 5)",
    ),
    Rule(
        "core.enclave-under-authorization",
        "cell",
        ("authorized",),
        grades=("core",),
        allowed=("records",),
        environments=("enclave",),
        strength="controlled",
        allows="only records released to an enclave under the authorization, anonymised at "
        "least to the controlled level; no aggregate or answer leaves the enclave",
        why="core data never leaves a controlled environment: it is used inside the enclave "
        "(数据专区), and anonymised at least as strongly as important data",
        fix="release records to `privacy.environment: enclave` with `privacy.k` of at least 5 "
        "under the authorization; nothing else leaves core data",
    ),
    Rule(
        "shared.general",
        "cell",
        ("shared",),
        grades=GENERAL,
        allowed=FORMS,
        allows="aggregates, records (anonymised, or carrying keyed pseudonyms) and "
        "verification answers of general data, for the named recipients",
        why="sharing between departments may carry pseudonymised record-level data under a "
        "responsibility list (2024 Opinions); the recipients answer for its protection",
    ),
    Rule(
        "authorized.general",
        "cell",
        ("authorized",),
        grades=GENERAL,
        allowed=FORMS,
        strength="enclave",
        allows="models, private models, indices, verification answers, and records "
        "anonymised at least to the enclave level (every class of at least 3 records)",
        why="the policy's product forms for authorized operation are models, verification "
        "and indices; records leave only anonymised, so raw data never leaves the domain",
        fix="anonymise the records at least to the enclave level (`privacy.k` of at least 3, "
        "or a `privacy.environment`)",
    ),
)
"""Every rule, checks before cells; the cells cover every supply mode, grade and form."""
