"""The warm benchmark still runs against today's code.

``bench/fakes.py`` stands in for the table, the bucket and the model: when the code starts calling
something the fakes lack (a new table method, say), the benchmark breaks, and nothing else would
notice until someone needs the figures. A few calls per row are enough to know it runs; no timing
is asserted.
"""

from __future__ import annotations

from bench import warm


def test_every_warm_row_is_measured_on_both_sides() -> None:
    rows = warm.measure(iterations=20, warmup=5)

    labels = [row.label for row in rows]
    assert len(labels) == len(set(labels)) == 6
    assert any("POST /estimate, a reception and a bathroom" in label for label in labels)
    assert [row.budget for row in rows if row.budget] == [warm.BUDGET, warm.ESTIMATE_BUDGET]
    for row in rows:
        # The child checked each handler answered 200 from the fakes before timing it.
        assert row.candidate.n == row.baseline.n == 20, row.label
        assert row.candidate.p50_us > 0 and row.baseline.p50_us > 0, row.label
