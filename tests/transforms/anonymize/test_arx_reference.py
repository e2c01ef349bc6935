"""Independent check against ARX 3.9.2: the README's optimal nodes, re-measured here, must give
ARX's classes, suppressed records and metric values."""

from __future__ import annotations

import pytest

from transforms.anonymize.encode import classes_of
from transforms.anonymize.metrics import Discernibility, Loss
from transforms.anonymize.models import KAnonymity, judge, max_suppressed
from transforms.anonymize.search import optimal_node

DM_CASES = [
    (2, 0.0, (1, 1, 1, 1, 3, 2, 2, 1), 0, 90, 19_399_310),
    (2, 0.05, (0, 0, 1, 2, 3, 2, 2, 1), 25, 386, 4_807_825),
    (5, 0.0, (1, 1, 1, 2, 3, 2, 2, 1), 0, 45, 33_627_534),
    (5, 0.05, (0, 0, 1, 2, 3, 2, 2, 1), 105, 356, 7_220_555),
    (10, 0.0, (1, 1, 1, 1, 3, 2, 2, 2), 0, 30, 55_170_356),
    (10, 0.05, (0, 1, 1, 2, 3, 2, 2, 1), 121, 180, 10_541_769),
]
LOSS_CASES = [
    (2, 0.0, (4, 0, 0, 1, 3, 2, 2, 1), 0, 60, 0.526645),
    (2, 0.05, (3, 0, 0, 0, 2, 1, 0, 1), 1240, 1334, 0.167068),
    (5, 0.0, (4, 0, 0, 2, 3, 2, 2, 1), 0, 30, 0.591585),
    (5, 0.05, (3, 0, 0, 0, 1, 1, 1, 2), 1458, 399, 0.251852),
    (10, 0.0, (4, 0, 0, 2, 3, 2, 2, 1), 0, 30, 0.591585),
    (10, 0.05, (3, 0, 0, 1, 1, 1, 1, 2), 1484, 200, 0.305464),
]


def measure(data, k, limit, node, metric):
    classes = classes_of(data, node)
    verdict = judge([KAnonymity(k)], classes, max_suppressed(limit, data.rows))
    kept = int((~verdict.suppressed_classes).sum())
    value = metric(data, node, classes, verdict.suppressed_classes)
    return verdict, kept, value


def test_adult_shape(adult_encoded):
    assert adult_encoded.rows == 30_162
    assert adult_encoded.heights == (4, 1, 1, 2, 3, 2, 2, 2)
    assert adult_encoded.nested


@pytest.mark.parametrize(("k", "limit", "node", "suppressed", "classes", "dm"), DM_CASES)
def test_dm_of_arx_optimum(adult_encoded, k, limit, node, suppressed, classes, dm):
    verdict, kept, value = measure(adult_encoded, k, limit, node, Discernibility())
    assert verdict.anonymous
    assert (verdict.suppressed, kept, value) == (suppressed, classes, dm)


@pytest.mark.parametrize(("k", "limit", "node", "suppressed", "classes", "loss"), LOSS_CASES)
def test_loss_of_arx_optimum(adult_encoded, k, limit, node, suppressed, classes, loss):
    verdict, kept, value = measure(adult_encoded, k, limit, node, Loss())
    assert verdict.anonymous
    assert (verdict.suppressed, kept) == (suppressed, classes)
    assert round(value, 6) == loss


def test_suppression_limit_rounds_down():
    assert max_suppressed(0.05, 30_162) == 1508
    assert max_suppressed(0.0, 30_162) == 0
    assert max_suppressed(1.0, 7) == 7


@pytest.mark.parametrize(
    ("k", "limit", "node", "suppressed", "classes", "dm"), [DM_CASES[0], DM_CASES[4], DM_CASES[5]]
)
def test_search_finds_arx_dm_optimum(adult_encoded, k, limit, node, suppressed, classes, dm):
    result = optimal_node(adult_encoded, [KAnonymity(k)], max_suppressed(limit, adult_encoded.rows))
    found = (result.node, result.suppressed, result.classes, result.value)
    assert found == (node, suppressed, classes, dm)
    assert result.ties == []
    assert result.levels["age"] == node[0]


@pytest.mark.parametrize(("k", "limit", "node", "suppressed", "classes", "loss"), LOSS_CASES[:1])
def test_search_finds_arx_loss_optimum(adult_encoded, k, limit, node, suppressed, classes, loss):
    limit = max_suppressed(limit, adult_encoded.rows)
    result = optimal_node(adult_encoded, [KAnonymity(k)], limit, Loss())
    assert (result.node, result.suppressed, result.classes) == (node, suppressed, classes)
    assert round(result.value, 6) == loss
