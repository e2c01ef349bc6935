"""What quality feedback (数据质量可反馈) may name: a version that was published."""

from __future__ import annotations

from flows.errors import BuildError
from flows.files.published import MANIFEST
from flows.settings import Paths


def check_published(paths: Paths, product: str, version: int) -> None:
    """An error listing what is published when `product` v`version` never was."""
    published: dict[str, list[int]] = {}
    for manifest in sorted(paths.publish.glob(f"*/v*/{MANIFEST}")):
        number = manifest.parent.name[1:]
        if number.isdigit():
            published.setdefault(manifest.parent.parent.name, []).append(int(number))
    if version in published.get(product, []):
        return
    listed = "; ".join(
        f"{p} {', '.join(f'v{v}' for v in sorted(vs))}" for p, vs in sorted(published.items())
    )
    what = f"{product} v{version}" if product in published else f"product '{product}'"
    raise BuildError(f"{what} is not published (published: {listed or 'none'})")
