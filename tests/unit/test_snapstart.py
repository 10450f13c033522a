"""After a SnapStart restore, clients and randomness are created afresh."""

from __future__ import annotations

import random
import sys
import types

import pytest


def test_restore_rebuilds_cached_clients_and_reseeds_randomness() -> None:
    from shatably import snapstart
    from shatably.providers import registry
    from shatably.settings import get_settings

    provider_before = registry.chat_provider()
    settings_before = get_settings()
    random.seed(1234)
    draw_after_fixed_seed = random.random()
    random.seed(1234)

    snapstart.after_restore()

    assert registry.chat_provider() is not provider_before
    assert get_settings() is not settings_before
    assert random.random() != draw_after_fixed_seed  # every restored copy gets its own stream


def test_the_hook_is_registered_with_the_runtime_when_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    registered: list[object] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)

    assert snapstart.register() is True
    assert registered == [snapstart.after_restore]


def test_outside_lambda_registration_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    assert snapstart.register() is False


def test_before_snapshot_imports_the_chosen_sdks_and_builds_no_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shatably import snapstart
    from shatably.providers import registry
    from shatably.settings import reset_settings

    monkeypatch.setenv("GENERATE_PROVIDER", "openai")
    monkeypatch.setenv("EDIT_PROVIDER", "offline")
    reset_settings()
    registry.reset()

    assert snapstart.before_snapshot(("generate", "edit")) == ["offline", "openai"]
    assert "shatably.providers.openai_provider" in sys.modules
    assert registry._provider_for.cache_info().currsize == 0  # imported, never constructed (no key read)


def test_botocore_models_are_parsed_before_the_snapshot_and_survive_the_restore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shatably import snapstart
    from shatably.storage import aws

    aws.reset_clients()
    snapstart.before_snapshot(())
    assert aws._session.cache_info().currsize == 0 and aws.client.cache_info().currsize == 0  # no credentials

    def no_files(path: str) -> None:
        raise AssertionError(f"read {path} after the snapshot")

    monkeypatch.setattr(aws._loader().file_loader, "load_file", no_files)
    snapstart.after_restore()
    for service in aws.SERVICES:
        assert aws.client(service).meta.service_model.service_name == service
    aws.reset_clients()


def test_both_hooks_are_registered_when_the_runtime_offers_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    restored: list[object] = []
    snapshots: list[object] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = restored.append  # type: ignore[attr-defined]
    runtime.register_before_snapshot = snapshots.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(snapstart, "before_snapshot", lambda capabilities: calls.append(tuple(capabilities)))

    assert snapstart.register(("chat",)) is True
    assert restored == [snapstart.after_restore]
    assert len(snapshots) == 1
    snapshots[0]()  # type: ignore[operator]
    assert calls == [("chat",)]


def test_restore_empties_module_level_client_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    fake = types.ModuleType("shatably.providers.gemini")
    fake._clients = {("base", "v1beta"): ("key", object())}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shatably.providers.gemini", fake)

    snapstart.after_restore()

    assert fake._clients == {}


def test_our_services_need_no_listing_and_other_services_still_resolve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Role and SSO profiles make botocore create sts/sso clients from the same session."""
    from botocore.loaders import Loader

    from shatably.storage import aws

    listed: list[str] = []
    full_listing = Loader.list_available_services

    def counting(self: Loader, type_name: str) -> list[str]:
        listed.append(type_name)
        names: list[str] = full_listing(self, type_name)
        return names

    aws.reset_clients()
    aws._loader.cache_clear()
    monkeypatch.setattr(Loader, "list_available_services", counting)
    try:
        aws.client("dynamodb")
        assert listed == []  # no walk over botocore's ~400 service directories
        sts = aws._session().create_client("sts", region_name="us-east-1")
        assert sts.meta.service_model.service_name == "sts" and listed
    finally:
        aws.reset_clients()
        aws._loader.cache_clear()


def test_the_snapshot_holds_every_module_a_first_request_can_need() -> None:
    """Checked in a fresh interpreter: in this one, other tests have imported everything already."""
    import os
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    probe = (
        "import sys; from shatably import snapstart; snapstart.before_snapshot(('chat',)); "
        "from shatably.storage import aws; "
        "wanted = ['boto3', 'botocore.session', 'PIL.Image', 'shatably.images', "
        "'shatably.providers.offline', "
        "'aws_lambda_powertools.utilities.idempotency.persistence.dynamodb', "
        "'aws_lambda_powertools.utilities.parameters', 'shatably.estimate.service']; "
        "print(sorted(set(wanted) - set(sys.modules)), aws.client.cache_info().currsize)"
    )
    env = {**os.environ, "PYTHONPATH": str(repo / "layers" / "common"), "CHAT_PROVIDER": "offline"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[] 0"  # all imported, and no client (so no credentials) made
