"""Settings come from the environment: any case, aliases, empty means unset, values typed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shatably.settings import LOCAL_ORIGINS, Settings


def test_variables_are_read_by_name_in_any_case_and_typed() -> None:
    settings = Settings.from_environ(
        {
            "TABLE_NAME": "prod-table",
            "max_image_bytes": "2048",
            "Auth_Enabled": "true",
            "REQUEST_DEADLINE_SECONDS": "12.5",
            "CORS_ALLOW_ORIGINS": "https://app.example, https://admin.example",
            "AWS_REGION": "eu-west-1",
            "UNRELATED": "ignored",
        }
    )
    assert settings.table_name == "prod-table"
    assert settings.max_image_bytes == 2048
    assert settings.auth_enabled is True
    assert settings.request_deadline_seconds == 12.5
    assert settings.cors_allow_origins == ("https://app.example", "https://admin.example")
    assert settings.region == "eu-west-1"  # read from its alias


def test_an_empty_variable_leaves_the_default() -> None:
    settings = Settings.from_environ({"TABLE_NAME": "", "CORS_ALLOW_ORIGINS": ""})
    assert settings.table_name == "shatably-local"
    assert settings.cors_allow_origins == LOCAL_ORIGINS


def test_a_value_of_the_wrong_type_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValidationError, match="max_body_bytes"):
        Settings.from_environ({"MAX_BODY_BYTES": "six megabytes"})
    with pytest.raises(ValidationError, match="chat_provider"):
        Settings.from_environ({"CHAT_PROVIDER": "claude"})
