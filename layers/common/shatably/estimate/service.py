"""The estimate document: rooms → quantities (rules) → prices (price book) → schedule → budget fit.

``estimate_document`` returns plain JSON-ready data shaped exactly like ``models.Estimate`` (the
route serialises it directly; the unit tests validate it against the model); ``estimate`` returns
the validated model for Python callers.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from shatably.estimate import budget as budgeting
from shatably.estimate import pricebook
from shatably.estimate.export import to_csv
from shatably.estimate.flat import NET_SHARE, generate_rooms
from shatably.estimate.models import Estimate, EstimateRequest
from shatably.estimate.pricing import price_job, total
from shatably.estimate.rules import (
    BATHROOM_WINDOW_H_M,
    BATHROOM_WINDOW_W_M,
    DEFAULT_HEIGHT_M,
    DOOR_H_M,
    DOOR_W_M,
    WINDOW_H_M,
    WINDOW_W_M,
    room_work,
    with_defaults,
)
from shatably.estimate.schedule import build_schedule
from shatably.estimate.vocabulary import text
from shatably.settings import get_settings


def estimate_document(request: EstimateRequest, book: pricebook.PriceBook | None = None) -> dict[str, Any]:
    """The bill of quantities, prices, schedule and budget fit for a job (deterministic; the only
    I/O is reading an operator's price book, at most once per ``pricebook.REFRESH_SECONDS``)."""
    if book is None:
        book = pricebook.current(get_settings().price_book_source)
    state, grade, lang = request.state, request.grade, request.lang
    given = request.rooms if request.rooms is not None else generate_rooms(request)
    rooms = [with_defaults(room, state) for room in given]
    works = [room_work(room, state, grade, lang) for room in rooms]
    items = price_job(works, lang, book, grade)
    job_total = total(items)
    fit = None
    if request.budget_egp is not None:
        fit = budgeting.fit(
            request.budget_egp, job_total, works, items, state=state, grade=grade, lang=lang, book=book
        )
    return {
        "lang": lang,
        "state": state,
        "grade": grade,
        "rooms": [room.model_dump(mode="json") for room in rooms],
        "items": items,
        "total_egp": job_total,
        "price_book": {"version": book.version, "date": book.date.isoformat()},
        "schedule": build_schedule(works, state, lang),
        "budget": fit,
        "assumptions": _assumptions(request),
    }


def estimate(request: EstimateRequest, book: pricebook.PriceBook | None = None) -> Estimate:
    return Estimate.model_validate(estimate_document(request, book))


def answer(request: EstimateRequest, *, as_csv: bool) -> bytes:
    """The serialised estimate (JSON, or CSV for Excel), priced from the current book."""
    document = estimate_document(request)
    return to_csv(document) if as_csv else to_json(document)


def _assumptions(request: EstimateRequest) -> list[str]:
    lang = request.lang
    height = DEFAULT_HEIGHT_M[request.state]
    out = [
        text(
            lang,
            "Prices are first-budget estimates (no public price list was found); quote your suppliers.",
            "الأسعار تقديرية لميزانية أولية (مفيش قائمة أسعار منشورة)؛ خد عروض أسعار من الموردين.",
        ),
        text(
            lang,
            f"Rooms without a height are {height:g} m high; doors {DOOR_W_M:g}×{DOOR_H_M:g} m, "
            f"windows {WINDOW_W_M:g}×{WINDOW_H_M:g} m "
            f"({BATHROOM_WINDOW_W_M:g}×{BATHROOM_WINDOW_H_M:g} m in bathrooms).",
            f"الأوض اللي مالهاش ارتفاع محسوبة {height:g} م؛ الأبواب {DOOR_W_M:g}×{DOOR_H_M:g} م "
            f"والشبابيك {WINDOW_W_M:g}×{WINDOW_H_M:g} م "
            f"({BATHROOM_WINDOW_W_M:g}×{BATHROOM_WINDOW_H_M:g} م في الحمامات).",
        ),
        text(
            lang,
            "Not included: doors, windows, kitchen units, sanitary ware, light fittings, AC units.",
            "مش محسوب: الأبواب والشبابيك والمطبخ والأطقم الصحية والنجف وأجهزة التكييف.",
        ),
    ]
    if request.apartment_area_m2 is not None:
        area = f"{request.apartment_area_m2:g}"
        out.append(
            text(
                lang,
                f"The rooms are a typical split of {area} m²: about {NET_SHARE:.0%} of the advertised "
                "area is inside the rooms. Correct them and send them back as rooms.",
                f"الأوض تقسيم معتاد لشقة {area} م²: حوالي {NET_SHARE:.0%} من المساحة البيعية "
                "جوه الأوض. عدّلها وابعتها تاني كأوض.",
            )
        )
    if request.state == "finished":
        out.append(
            text(
                lang,
                "A finished flat is repainted; removing old tiles or ceilings is not included.",
                "الشقة المتشطبة بيتعاد دهانها؛ تكسير البلاط أو الأسقف القديمة مش محسوب.",
            )
        )
    return out
