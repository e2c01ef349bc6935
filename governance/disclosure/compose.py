"""Composing the annual disclosure from the domain's state: the authorizations in force on any
day of the year, the resources they grant with their registration codes, the operators, the
price caps, the products built under them and their monthly usage, and the audit log's head.

What a product's published manifest says (its scenario, price and delivery) is handed in by the
caller, which reads published/; nothing here reads a file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from governance.authorization.models import Authorization
from governance.authorization.party import Party
from governance.disclosure.models import (
    NOT_PROVIDED,
    AuditHead,
    Checkpoint,
    Disclosure,
    Grant,
    GrantedResource,
    GrantedScenario,
    Operator,
    Organisation,
    PriceCap,
    Product,
)
from governance.disclosure.usage import monthly_usage
from governance.errors import GovernanceError

HOW_TO_CHECK = (
    "Copy the audit log and check it with the public key only: `sluice audit verify "
    "--checkpoints audit-checkpoints --public-key audit-public-key.pem` (both published beside "
    "the products). The log must hold record {seq} with the hash and digest above, and every "
    "usage figure is a count of its records: builds = 'publish' + 'refuse', withdrawals = "
    "'withdraw', verification calls = the claims of 'verify' records."
)


@dataclass(frozen=True)
class Facts:
    """What a product's newest manifest and kind say: how it is delivered, its scenario and
    its price (None: free)."""

    delivery: str
    scenario: str | None
    price: float | None
    unit: str | None


@dataclass(frozen=True)
class Held:
    """An authorization as the domain holds it, with its status and end."""

    authorization: Authorization
    status: str
    ended: dt.date | None
    reason: str | None

    def in_force(self, start: dt.date, end: dt.date) -> bool:
        """In force on some day from `start` to `end`."""
        term = self.authorization.term
        last = min(term.valid_until, self.ended) if self.ended else term.valid_until
        return term.valid_from <= end and last >= start and term.valid_from <= last


def compose(
    con: duckdb.DuckDBPyConnection,
    year: int,
    until: dt.date,
    *,
    facts: Mapping[str, Facts],
    checkpoint: Checkpoint | None,
    generated_at: str,
) -> Disclosure:
    """The disclosure of `year`, covered up to `until` (its last day, or today); refuses a
    year in which no authorization was in force."""
    start = dt.date(year, 1, 1)
    held = [h for h in _held(con) if h.in_force(start, until)]
    if not held:
        raise GovernanceError(
            f"no authorization was in force in {year} (up to {until}): there is nothing to "
            "disclose; add the year's authorizations with `sluice authorization add`, or give "
            "another --year"
        )
    products = _products(con, [h.authorization for h in held], start, until, facts)
    return Disclosure(
        year=year,
        covered_from=start,
        covered_until=until,
        generated_at=generated_at,
        bodies=_unique([_organisation(h.authorization.granting_body) for h in held]),
        authorizations=[_grant(h) for h in held],
        resources=_resources(con, held),
        operators=_operators(held),
        price_caps=[c for h in held for c in _caps(h.authorization)],
        products=products,
        usage=monthly_usage(con, [p.product for p in products], start, until),
        audit=_head(con, checkpoint),
        exemptions=[],
        notes=[],
    )


def _held(con: duckdb.DuckDBPyConnection) -> list[Held]:
    if not _has(con, "authorizations"):
        return []
    rows = con.execute(
        "SELECT document, status, ended_at, reason FROM authorizations ORDER BY authorization_id"
    ).fetchall()
    return [
        Held(Authorization.model_validate(json.loads(d)), s, e.date() if e else None, r)
        for d, s, e, r in rows
    ]


def _organisation(party: Party) -> Organisation:
    contact = party.contact
    return Organisation(
        name=party.name,
        uscc=party.uscc,
        address=party.address or NOT_PROVIDED,
        office=contact.office if contact else NOT_PROVIDED,
        phone=(contact.phone if contact else None) or NOT_PROVIDED,
        email=(contact.email if contact else None) or NOT_PROVIDED,
    )


def _unique(organisations: list[Organisation]) -> list[Organisation]:
    return list({o.uscc: o for o in organisations}.values())


def _grant(held: Held) -> Grant:
    a = held.authorization
    return Grant(
        id=a.id,
        title=a.title,
        body=a.granting_body.uscc,
        operator=a.operator.id,
        operator_name=a.operator.name,
        mode=a.mode,
        domains=list(a.domains),
        purposes=list(a.purposes),
        scenarios=[GrantedScenario(id=s.id, title=s.title, purpose=s.purpose) for s in a.scenarios],
        product_kinds=list(a.products),
        valid_from=a.term.valid_from,
        valid_until=a.term.valid_until,
        status=held.status,  # type: ignore[arg-type]
        ended_at=held.ended,
        end_reason=held.reason,
        exit_on_expiry=a.exit.on_expiry,
        exit_on_revocation=a.exit.on_revocation,
        exit_note=a.exit.note,
        security_duties=list(a.security_duties),
    )


def _resources(con: duckdb.DuckDBPyConnection, held: list[Held]) -> list[GrantedResource]:
    sql = "SELECT resource_id, code, version, title, department FROM registrations"
    rows = con.execute(sql).fetchall() if _has(con, "registrations") else []
    registered = {r[0]: r[1:] for r in rows}
    found = []
    for h in held:
        for scope in h.authorization.resources:
            code, version, title, department = registered.get(
                scope.resource, (NOT_PROVIDED, 0, NOT_PROVIDED, NOT_PROVIDED)
            )
            columns = ["all"] if scope.columns == "all" else list(scope.columns)
            found.append(
                GrantedResource(
                    authorization=h.authorization.id,
                    resource=scope.resource,
                    title=title,
                    department=department,
                    registration_code=code,
                    registration_version=version,
                    columns=columns,
                )
            )
    return found


def _operators(held: list[Held]) -> list[Operator]:
    by_id: dict[str, Operator] = {}
    for h in held:
        a = h.authorization
        term = f"{a.term.valid_from} to {a.term.valid_until}"
        known = by_id.get(a.operator.id)
        granted = [*known.authorizations, a.id] if known else [a.id]
        terms = [*known.terms, term] if known else [term]
        base = _organisation(a.operator).model_dump()
        by_id[a.operator.id] = Operator(**base, id=a.operator.id, authorizations=granted,
                                        terms=terms)  # fmt: skip
    return list(by_id.values())


def _caps(a: Authorization) -> list[PriceCap]:
    caps = [
        PriceCap(authorization=a.id, product=c.product, cap=c.cap, unit=c.unit, currency=c.currency)
        for c in a.price_caps
    ]
    if a.revenue_cap is not None:
        r = a.revenue_cap
        caps.append(PriceCap(authorization=a.id, product=None, cap=r.amount, unit=r.period,
                             currency=r.currency))  # fmt: skip
    return caps


_VERSIONS = """
SELECT p.product_id, p.resource_id, p.kind, p.title, p.purpose, p.authorization_id,
       max(CAST(json_extract(a.outputs, '$[0].version') AS INTEGER)) AS newest,
       count(*) FILTER (WHERE CAST(a.occurred_at AS DATE) >= ?) AS in_year,
       max(a.occurred_at) AS published,
       (SELECT max(w.occurred_at) FROM audit_log w WHERE w.action = 'withdraw'
          AND w.subject = p.product_id AND CAST(w.occurred_at AS DATE) <= ?) AS withdrawn
FROM products p JOIN audit_log a ON a.subject = p.product_id AND a.action = 'publish'
WHERE p.authorization_id IN (SELECT unnest(?)) AND CAST(a.occurred_at AS DATE) <= ?
GROUP BY ALL ORDER BY p.authorization_id, p.product_id
"""


def _products(
    con: duckdb.DuckDBPyConnection,
    held: list[Authorization],
    start: dt.date,
    end: dt.date,
    facts: Mapping[str, Facts],
) -> list[Product]:
    """Every product built under the authorizations and live on some day of the period:
    published by its end, and not withdrawn before its start with nothing published since."""
    by_id = {a.id: a for a in held}
    if not all(_has(con, t) for t in ("products", "audit_log", "registrations")):
        return []
    codes = dict(con.execute("SELECT resource_id, code FROM registrations").fetchall())
    found = []
    for row in con.execute(_VERSIONS, [start, end, list(by_id), end]).fetchall():
        product, resources, kind, title, purpose, auth, newest, in_year, published, gone = row
        withdrawn = gone is not None and gone >= published
        if withdrawn and gone.date() < start:
            continue
        fact = facts.get(product, Facts("data_file", None, None, None))
        scenario = by_id[auth].scenario(fact.scenario) if fact.scenario else None
        free = purpose == "public_welfare" or not fact.price
        code = "+".join(codes.get(r, NOT_PROVIDED) for r in resources.split(","))
        found.append(
            Product(
                authorization=auth,
                product=product,
                title=title,
                kind=kind,
                confirmation_number=f"{code}/{product}/v{newest}",
                delivery=fact.delivery,
                scenario_type=purpose,
                scenario=f"{scenario.id}: {scenario.title}" if scenario else NOT_PROVIDED,
                price=0.0 if free else float(fact.price or 0),
                price_unit="free" if free else (fact.unit or NOT_PROVIDED),
                versions_in_year=in_year,
                status="withdrawn" if withdrawn else _suspended(con, product, end),
            )
        )
    return found


def _suspended(con: duckdb.DuckDBPyConnection, product: str, end: dt.date) -> str:
    """'suspended' while an objection that suspended one of the product's versions was open
    at the end of the period, else 'live'."""
    if not (_has(con, "objections") and _has(con, "objection_products")):
        return "live"
    row = con.execute(
        "SELECT count(*) FROM objections o JOIN objection_products p USING (objection_id) "
        "WHERE p.product_id = ? AND p.suspended AND CAST(o.filed_at AS DATE) <= ? "
        "AND (o.resolved_at IS NULL OR CAST(o.resolved_at AS DATE) > ?)",
        [product, end, end],
    ).fetchone()
    return "suspended" if row and row[0] else "live"


def _head(con: duckdb.DuckDBPyConnection, checkpoint: Checkpoint | None) -> AuditHead:
    newest = "SELECT seq, hash, digest FROM audit_log ORDER BY seq DESC LIMIT 1"
    row = con.execute(newest).fetchone() if _has(con, "audit_log") else None
    seq, chain, digest = row if row else (0, "", "")
    return AuditHead(
        seq=seq, hash=chain, digest=digest or "", checkpoint=checkpoint,
        how_to_check=HOW_TO_CHECK.format(seq=seq),
    )  # fmt: skip


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    return bool(found and found[0])
