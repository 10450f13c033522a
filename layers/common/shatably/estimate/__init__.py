"""The finishing estimator: a bill of quantities and costs from a structured job (``POST /estimate``).

Public: ``shatably.estimate.models`` (the request and answer) and ``estimate(request)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shatably.estimate.models import Estimate, EstimateRequest


def estimate(request: EstimateRequest) -> Estimate:
    """The bill of quantities, prices, schedule and budget fit for a job."""
    from shatably.estimate.service import estimate as run

    return run(request)
