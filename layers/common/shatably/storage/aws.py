"""AWS clients, created once per process, with timeouts that fit a request deadline.

Clients come straight from botocore: boto3's own ``client()`` is a thin wrapper whose import also
pulls in s3transfer (~25 ms of a cold start), and nothing here uses boto3's resources. Clients are
built lazily so a route that never touches AWS never imports botocore's client machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from typing import Any

from shatably.errors import ProblemError
from shatably.observability import logger
from shatably.settings import get_settings

# Every service the layer calls through these clients (Powertools' idempotency and parameters
# included: they are given ours).
SERVICES = ("dynamodb", "events", "s3", "sqs", "ssm")


class _OurServicesFirst(list[str]):
    """The service names botocore checks a client's service against, ours known in advance.

    botocore lists every service directory it ships (~400, ~15 ms of a cold start) to check a name.
    Ours need no listing; any other name (``sts``, ``sso``, ``signin``: clients that botocore's own
    credential providers create for role and SSO profiles) is checked against the full listing.
    """

    def __init__(self, full_listing: Callable[[], list[str]]) -> None:
        super().__init__(SERVICES)
        self._full_listing = full_listing

    def __contains__(self, name: object) -> bool:
        return list.__contains__(self, name) or name in self._full_listing()


@lru_cache(maxsize=1)
def _loader() -> Any:
    """botocore's data loader, shared by every session of this process.

    It holds only the service models and endpoint data botocore reads from its own JSON files (no
    credentials, no connections), so it may outlive a SnapStart restore; ``preload_models`` fills
    it before the snapshot.
    """
    from botocore.loaders import Loader

    class KnownServicesLoader(Loader):  # type: ignore[misc]
        def list_available_services(self, type_name: str) -> list[str]:
            return _OurServicesFirst(partial(Loader.list_available_services, self, type_name))

    return KnownServicesLoader()


def preload_models() -> None:
    """Parse what creating our clients reads (~30 ms of JSON), e.g. before a SnapStart snapshot."""
    import botocore.session  # noqa: F401  # the client machinery itself

    loader = _loader()
    # The calls (and arguments) botocore makes while creating a client: its cache is keyed on them.
    loader.load_data_with_path("endpoints")
    for name in ("partitions", "sdk-default-configuration", "_retry"):
        loader.load_data(name)
    for service in SERVICES:
        for type_name in ("service-2", "endpoint-rule-set-1"):
            loader.load_service_model(service, type_name, api_version=None)


@lru_cache(maxsize=1)
def _session() -> Any:
    """One botocore session per process, so clients share its credentials and loaded models."""
    import botocore.session

    session = botocore.session.get_session()
    session.register_component("data_loader", _loader())
    return session


@lru_cache(maxsize=8)
def client(service: str) -> Any:
    from botocore.config import Config

    if service not in SERVICES:
        raise ValueError(f"{service} is not a service this layer calls; add it to SERVICES")
    settings = get_settings()
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=2,
        read_timeout=5,
        signature_version="s3v4" if service == "s3" else None,
        s3={"addressing_style": "path"} if service == "s3" else None,
    )
    # AWS_ENDPOINT_URL (the SDKs' own variable) points every client at the local moto server.
    return _session().create_client(
        service, region_name=settings.region, config=config, endpoint_url=settings.aws_endpoint_url
    )


def reset_clients() -> None:
    """Forget clients and the session (connections, credentials); the loaded models stay."""
    client.cache_clear()
    _session.cache_clear()


@contextmanager
def aws_faults(code: str, action: str) -> Iterator[None]:
    """Turn AWS failures into one problem code; lookups that miss are the caller's business."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        error_code = exc.response.get("Error", {}).get("Code", "")
        logger.warning("aws call failed", extra={"action": action, "aws_code": error_code})
        raise ProblemError(code, detail=f"Could not {action}; please retry.", retry_after=2) from exc
    except BotoCoreError as exc:
        logger.warning("aws call failed", extra={"action": action, "aws_error": type(exc).__name__})
        raise ProblemError(code, detail=f"Could not {action}; please retry.", retry_after=2) from exc
