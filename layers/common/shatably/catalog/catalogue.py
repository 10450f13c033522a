"""Lookups over the catalogue: strict by id (API input), tolerant by name (free text, chat)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol, TypeVar

from shatably.catalog.lang import Lang, fold, phrase_spans
from shatably.catalog.models import Grade, RoomType, Style
from shatably.catalog.rooms import room_types
from shatably.catalog.styles import grades, styles
from shatably.errors import ProblemError


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def name_ar(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=_Named)


@cache
def _styles_by_id() -> dict[str, Style]:
    return {s.id: s for s in styles()}


@cache
def _rooms_by_id() -> dict[str, RoomType]:
    return {r.id: r for r in room_types()}


@cache
def _grades_by_id() -> dict[str, Grade]:
    return {g.id: g for g in grades()}


def _phrases(records: Iterable[R]) -> list[tuple[str, R]]:
    """Every folded name a record answers to, longest first (so ties break toward specific names)."""
    pairs: dict[tuple[str, str], R] = {}
    for record in records:
        for name in (record.id, record.name_en, record.name_ar, *record.aliases):
            if phrase := fold(name):
                pairs[phrase, record.id] = record
    return sorted(((phrase, rec) for (phrase, _), rec in pairs.items()), key=lambda p: -len(p[0]))


@cache
def _style_phrases() -> list[tuple[str, Style]]:
    # Built on first lookup, not at import: folding every name costs a few ms a cold start can skip.
    return _phrases(styles())


@cache
def _room_phrases() -> list[tuple[str, RoomType]]:
    return _phrases(room_types())


def _find(text: str, phrases: list[tuple[str, R]]) -> R | None:
    """The record named by ``text``, or the one mentioned first in it.

    A mention inside a longer mention does not count ("modern" in "modern arabic", "classic" in
    "neo classic"), so the most specific name wins; among separate mentions the earliest wins,
    because people usually lead with what they want.
    """
    folded = fold(text)
    if not folded:
        return None
    for phrase, record in phrases:
        if phrase == folded:
            return record
    spans = [(start, end, rec) for phrase, rec in phrases for start, end in phrase_spans(folded, phrase)]
    outer = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and o != s for o in spans)]
    if not outer:
        return None
    return min(outer, key=lambda s: (s[0], s[0] - s[1]))[2]


def find_style(text: str) -> Style | None:
    """A style by id or English/Arabic name (any case, diacritics, article), or mentioned in ``text``."""
    return _find(text, _style_phrases())


def find_room_type(text: str) -> RoomType | None:
    """A room type by id or English/Arabic name, or mentioned in ``text``."""
    return _find(text, _room_phrases())


def _id_key(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def get_style(style_id: str) -> Style:
    """The style with this id; ``unknown_style`` (422) otherwise, listing the valid ids."""
    style = _styles_by_id().get(_id_key(style_id))
    if style is None:
        raise ProblemError(
            "unknown_style",
            f"Unknown style {style_id[:40]!r}; GET /styles lists the valid ids.",
            extra={"valid_styles": sorted(_styles_by_id())},
        )
    return style


def get_room_type(room_type_id: str) -> RoomType:
    """The room type with this id; ``unknown_room_type`` (422) otherwise, listing the valid ids."""
    room = _rooms_by_id().get(_id_key(room_type_id))
    if room is None:
        raise ProblemError(
            "unknown_room_type",
            f"Unknown room type {room_type_id[:40]!r}; GET /styles lists the valid ids.",
            extra={"valid_room_types": sorted(_rooms_by_id())},
        )
    return room


def get_grade(grade_id: str) -> Grade:
    """The finishing grade with this id; ``validation_failed`` (422) otherwise, listing the valid ids."""
    grade = _grades_by_id().get(_id_key(grade_id))
    if grade is None:
        raise ProblemError(
            "validation_failed",
            f"Unknown finishing grade {grade_id[:40]!r}; GET /styles lists the valid ids.",
            extra={"valid_grades": sorted(_grades_by_id())},
        )
    return grade


def check_style_suits(style: Style, room: RoomType) -> None:
    """422 ``style_unsuited`` when a style is not made for the room's space (an interior style on a
    façade); the body lists the styles that suit it."""
    if not style.suits(room.space):
        raise ProblemError(
            "style_unsuited",
            f"The style {style.id!r} is not offered for a {room.space} space ({room.id}).",
            extra={"suitable_styles": [s.id for s in styles() if s.suits(room.space)]},
        )


def _doc_lang(lang: str | None) -> Lang | None:
    """ "ar", "ar-EG", "AR" -> "ar"; anything but Arabic or English -> both languages only."""
    primary = (lang or "").strip().lower()[:2]
    if primary == "ar":
        return "ar"
    if primary == "en":
        return "en"
    return None


def catalogue_document(lang: str | None = None) -> dict[str, Any]:
    """The body of ``GET /styles``: every style, room type and finishing grade in both languages.

    With a language, each entry also carries ``name`` (and styles ``description``) in it, so a
    frontend can render without choosing fields. Each style has a ``preview_url`` (a small image,
    relative to the API's base) and the ``spaces`` it suits. Built fresh per call: callers may
    mutate it.
    """
    chosen = _doc_lang(lang)
    return {
        "lang": chosen,
        "styles": [s.as_dict(chosen) for s in styles()],
        "room_types": [r.as_dict(chosen) for r in room_types()],
        "grades": [g.as_dict() for g in grades()],
    }
