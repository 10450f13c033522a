"""Colours as people say them: hex, English, Egyptian Arabic with its spellings, modifiers, sheen."""

from __future__ import annotations

import pytest

from shatably.studio.colors import MODIFIER_SHARE, resolve_color, sheen_of
from shatably.studio.models import EditInput


@pytest.mark.parametrize(
    ("said", "hex_"),
    [
        ("#abc", "#AABBCC"),
        ("9caf88", "#9CAF88"),
        ("beige", "#D9C7A7"),
        ("Off-White", "#F2EFE6"),
        ("رصاصي", "#7D8285"),
        ("بترولي", "#1F5C6B"),
        ("كافيه", "#A58A6E"),
        ("كافية", "#A58A6E"),  # taa marbuta for haa
        ("أوف وايت", "#F2EFE6"),
        ("اوف وايت", "#F2EFE6"),  # no hamza
        ("بيج", "#D9C7A7"),
        ("زيتي", "#6B6B3A"),
        ("نبيتي", "#6D1F2E"),
        ("سماوي", "#87BFE0"),
        ("لبني", "#A9C8E0"),
        ("ابيض", "#F7F7F2"),  # the "ابيض without hamza"
        ("الأبيض", "#F7F7F2"),  # with the article
        ("لون كحلي", "#1F2F4D"),  # "colour navy"
    ],
)
def test_names_people_use_resolve(said: str, hex_: str) -> None:
    assert resolve_color(said).resolved_hex == hex_


def test_light_and_dark_move_one_step_toward_white_and_black() -> None:
    # Grey #9A9A96 lightened, each channel c + (255 - c) * 0.35:
    # 0x9A = 154: 154 + 101 * 0.35 = 189.35 -> 189 (BD); 0x96 = 150: 150 + 105 * 0.35 = 186.75 -> 187 (BB).
    assert MODIFIER_SHARE == 0.35
    assert resolve_color("light gray").resolved_hex == "#BDBDBB"
    assert resolve_color("رمادي فاتح").resolved_hex == "#BDBDBB"
    # Beige #D9C7A7 lightened: 217 -> 230.3 (E6), 199 -> 218.6 (DB), 167 -> 197.8 (C6).
    assert resolve_color("بيج فاتح").resolved_hex == "#E6DBC6"
    # Olive #6B6B3A darkened: 107 * 0.65 = 69.55 -> 70 (46), 58 * 0.65 = 37.7 -> 38 (26).
    assert resolve_color("زيتي غامق").resolved_hex == "#464626"
    assert resolve_color("dark olive").resolved_hex == "#464626"


def test_a_name_that_includes_its_modifier_keeps_its_own_colour() -> None:
    assert resolve_color("light blue").resolved_hex == "#A9C8E0"  # a named colour, not blue lightened


@pytest.mark.parametrize(
    ("said", "sheen"),
    [
        ("بيج ساتان", "satin"),
        ("كافيه لامع", "gloss"),
        ("navy gloss", "gloss"),
        ("white", "matte"),
        ("ابيض مط", "matte"),
    ],
)
def test_the_sheen_can_be_said_with_the_colour(said: str, sheen: str) -> None:
    report = resolve_color(said)
    assert report.sheen == sheen and report.resolved_hex is not None


def test_an_explicit_sheen_wins_over_the_words() -> None:
    assert resolve_color("كافيه لامع", "satin").sheen == "satin"


def test_unknown_words_are_reported_unresolved_never_dropped() -> None:
    report = resolve_color("  rose gold shimmer ")
    assert report.input == "rose gold shimmer" and report.resolved_hex is None and report.sheen == "matte"


@pytest.mark.parametrize(
    ("word", "sheen"), [("مط", "matte"), ("ساتان", "satin"), ("لامع", "gloss"), ("Satin", "satin")]
)
def test_edit_input_takes_sheen_words_in_either_language(word: str, sheen: str) -> None:
    assert sheen_of(word) == sheen
    body = EditInput.model_validate({"prompt": "x", "image": {"image_id": "a" * 32}, "sheen": word})
    assert body.sheen == sheen
