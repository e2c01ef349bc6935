"""The datasets a lineage event names, from outside the domain's data only: a resource by its
registration code (登记) in the registry's namespace, a published version by product and
version in the public namespace, columns by name and type. No row, no file path, no value."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openlineage.client.event_v2 import InputDataset, OutputDataset
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    dataset_version_dataset,
    lifecycle_state_change_dataset,
    output_statistics_output_dataset,
    schema_dataset,
)

from flows.kinds import Declared
from flows.settings import Paths
from governance.policy.product import ProductBase
from governance.registry import RegistryStore, registration_code
from transforms.gate_check import Origin

REGISTRY = "sluice://registry"
"""The namespace of resources: the registry, whose codes are unique across departments."""
PUBLIC = "SLUICE_LINEAGE_NAMESPACE"
"""Names the public namespace of published versions (e.g. the portal's URL); by default the
publish folder's URI."""
DIRECT = {"dimension": "TRANSFORMATION", "measure": "AGGREGATION", "record": "IDENTITY"}
"""The OpenLineage subtype of a column's direct transformation, by its role at the gate."""


@dataclass(frozen=True)
class Source:
    """A resource a product draws on, as lineage names it: its registration code, the
    registration's version and the columns drawn with their declared types."""

    code: str
    version: int | None
    columns: Mapping[str, str]

    def dataset(self) -> InputDataset:
        facets: dict[str, Any] = {"schema": schema(self.columns.items())}
        if self.version is not None:
            facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
                str(self.version)
            )
        return InputDataset(REGISTRY, self.code, facets=facets)

    def field(
        self, column: str, kind: str, subtype: str, masking: bool = False
    ) -> column_lineage_dataset.InputField:
        step = column_lineage_dataset.Transformation(kind, subtype, masking=masking or None)
        return column_lineage_dataset.InputField(REGISTRY, self.code, column, [step])


def sources(paths: Paths, spec: ProductBase, declared: Declared) -> list[Source]:
    """The resources `spec` draws on, named by registration code (the code the registry
    issues for the department and resource, for one not registered yet)."""
    held = {r.resource_id: r for r in RegistryStore(paths.state).registrations()}
    home = declared.resources[0] if len(declared.resources) == 1 else ""
    drawn = spec.columns_drawn(home)
    found = []
    for resource, loaded in declared.policies.items():
        columns = loaded.policy.columns
        typed = {c: columns[c].type for c in drawn.get(resource, []) if c in columns}
        registered = held.get(resource)
        if registered is None:
            code = registration_code(loaded.policy.resource.department, resource)
            found.append(Source(code, None, typed))
        else:
            found.append(Source(registered.code, registered.version, typed))
    return found


def registered(paths: Paths, resource: str) -> list[Source]:
    """A registered resource by its code, columns unnamed (a verification batch's source)."""
    held = RegistryStore(paths.state).get(resource)
    return [] if held is None else [Source(held.code, held.version, {})]


def public_namespace(paths: Paths) -> str:
    return os.environ.get(PUBLIC, "").strip() or paths.publish.as_uri()


def version(paths: Paths, product: str, number: int, facets: dict[str, Any]) -> OutputDataset:
    """A published version: `<product>/v<N>` in the public namespace."""
    number_facet = dataset_version_dataset.DatasetVersionDatasetFacet(str(number))
    named = f"{product}/v{number}"
    return OutputDataset(public_namespace(paths), named, facets={"version": number_facet, **facets})


def published(
    paths: Paths,
    manifest: Mapping[str, Any],
    drawn: Sequence[Source],
    origins: Mapping[str, Origin],
) -> OutputDataset:
    """A version as published: its schema, its column lineage and its row count."""
    columns = [(c["name"], c["type"]) for c in manifest.get("schema", [])]
    facets: dict[str, Any] = {"schema": schema(columns)}
    lineage = column_lineage(origins, drawn)
    if lineage is not None:
        facets["columnLineage"] = lineage
    out = version(paths, str(manifest["product"]), int(manifest["version"]), facets)
    rows = output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
        rowCount=int(manifest["rows"])
    )
    out.outputFacets = {"outputStatistics": rows}
    return out


def withdrawn(paths: Paths, product: str, number: int) -> OutputDataset:
    """A version taken back inside the domain: dropped from the public namespace."""
    drop = lifecycle_state_change_dataset.LifecycleStateChangeDatasetFacet(
        lifecycle_state_change_dataset.LifecycleStateChange.DROP
    )
    return version(paths, product, number, {"lifecycleStateChange": drop})


def schema(columns: Iterable[tuple[str, Any]]) -> schema_dataset.SchemaDatasetFacet:
    """Column names and types, nothing else."""
    fields = [schema_dataset.SchemaDatasetFacetFields(name, str(kind)) for name, kind in columns]
    return schema_dataset.SchemaDatasetFacet(fields=fields)


def column_lineage(
    origins: Mapping[str, Origin], drawn: Sequence[Source]
) -> column_lineage_dataset.ColumnLineageDatasetFacet | None:
    """Each published column from the input columns the gate was told it comes from; the
    dimensions also group the whole output (an indirect dependency)."""
    fields: dict[str, column_lineage_dataset.Fields] = {}
    grouped = []
    for column, origin in origins.items():
        found = [s for s in drawn if origin.source is not None and origin.source in s.columns]
        if not found or origin.source is None:
            continue
        subtype = DIRECT.get(origin.role, "TRANSFORMATION")
        masked = origin.category == "direct_identifier"
        inputs = [s.field(origin.source, "DIRECT", subtype, masked) for s in found]
        fields[column] = column_lineage_dataset.Fields(inputFields=inputs)
        if origin.role == "dimension":
            grouped.extend(s.field(origin.source, "INDIRECT", "GROUP_BY") for s in found)
    if not fields:
        return None
    return column_lineage_dataset.ColumnLineageDatasetFacet(fields=fields, dataset=grouped)
