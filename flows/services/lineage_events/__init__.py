"""OpenLineage run events for the work that moves data across the domain's edge: product
builds and their publications, withdrawals and verification batches. Datasets are named by
registration code and by product version, columns by name; nothing read inside the domain
goes into an event. Events go to domain/lineage/events.jsonl, and to the endpoint configured
the OpenLineage way (see docs/lineage.md)."""

from flows.services.lineage_events.products import ProductRun, product_run, refused_run
from flows.services.lineage_events.sending import events_file
from flows.services.lineage_events.verifications import verification_run
from flows.services.lineage_events.withdrawals import withdrawal_run

__all__ = [
    "ProductRun",
    "events_file",
    "product_run",
    "refused_run",
    "verification_run",
    "withdrawal_run",
]
