"""The finishing estimator: a bill of quantities and costs from a structured job (``POST /estimate``)."""

from shatably.estimate.models import Estimate, EstimateRequest


def estimate(request: EstimateRequest) -> Estimate:
    """The bill of quantities, prices, schedule and budget fit for a job."""
    raise NotImplementedError  # first commit: the models, so the designer can build on them
