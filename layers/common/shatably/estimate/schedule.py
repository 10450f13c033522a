"""The phases in the order the trades work, with indicative working days for the job's size.

Daily output of one crew (trade practice, indicative): the days are the job's quantities divided by
the high and the low output, each phase at least one day, phases back to back; the total also holds
the plaster's drying wait that tiling and gypsum do not fill.
"""

from __future__ import annotations

import math
from typing import Any

from shatably.estimate.models import Lang, PhaseKey, State
from shatably.estimate.rules import RoomWork
from shatably.estimate.vocabulary import PHASES

# Output per crew-day, (low, high).
SERVICE_POINTS_PER_DAY = (8.0, 12.0)  # electrical-point equivalents (rules.RoomWork.service_points)
PLASTER_M2_PER_DAY = (40.0, 60.0)
TILING_M2_PER_DAY = (12.0, 20.0)
GYPSUM_M2_PER_DAY = (12.0, 18.0)
PUTTY_M2_COATS_PER_DAY = (80.0, 120.0)
PAINT_M2_COATS_PER_DAY = (100.0, 150.0)
FLOORS_M2_PER_DAY = (15.0, 30.0)
ROOMS_FIXED_PER_DAY = (2.0, 3.0)  # switches, lights, sanitary ware, AC units
PLASTER_DRYING_DAYS = 7  # before putty; tiling and gypsum go on meanwhile


def _days(quantity: float, per_day: tuple[float, float]) -> dict[str, int]:
    low_rate, high_rate = per_day
    return {
        "low": max(1, math.ceil(quantity / high_rate - 1e-9)),
        "high": max(1, math.ceil(quantity / low_rate - 1e-9)),
    }


def build_schedule(works: list[RoomWork], state: State, lang: Lang) -> dict[str, Any]:
    """Shaped like ``models.Schedule``."""
    services = plaster = tiled = board = putty = paint = laid = 0.0
    for w in works:  # one pass over the rooms (summed in room order, as before)
        services += w.service_points
        plaster += w.plaster_m2
        tiled += w.tiled_m2
        board += w.board_m2
        putty += w.putty_m2_coats
        paint += w.paint_m2_coats
        laid += w.floor_laid_m2
    ar = lang == "ar"
    sizes: list[tuple[PhaseKey, float, tuple[float, float], str, str]] = [
        (
            "services",
            services,
            SERVICE_POINTS_PER_DAY,
            "points roughed in, one crew",
            "تأسيس النقط، فريق واحد",
        ),
        (
            "plaster",
            plaster,
            PLASTER_M2_PER_DAY,
            f"m² of plaster; then at least {PLASTER_DRYING_DAYS} days to dry before putty",
            f"م² محارة؛ وبعدها {PLASTER_DRYING_DAYS} أيام على الأقل تنشف قبل المعجون",
        ),
        ("tiling", tiled, TILING_M2_PER_DAY, "m² tiled or clad", "م² سيراميك وتجاليد"),
        ("gypsum", board, GYPSUM_M2_PER_DAY, "m² of gypsum board", "م² جبس بورد"),
        ("putty", putty, PUTTY_M2_COATS_PER_DAY, "m² × putty coats", "م² × سكاكين المعجون"),
        ("paint", paint, PAINT_M2_COATS_PER_DAY, "m² × paint coats", "م² × أوجه الدهان"),
        (
            "floors",
            laid,
            FLOORS_M2_PER_DAY,
            "m² of parquet, vinyl or marble",
            "م² باركيه أو فينيل أو رخام",
        ),
    ]
    if state != "finished":
        sizes.append(("fixtures", float(len(works)), ROOMS_FIXED_PER_DAY, "rooms", "أوض"))
    phases: list[dict[str, Any]] = []
    for key, quantity, per_day, en, arabic in sizes:
        if quantity <= 0:
            continue
        name_en, name_ar = PHASES[key]
        amount = f"{quantity:.0f}"
        phases.append(
            {
                "key": key,
                "name": name_ar if ar else name_en,
                "days": _days(quantity, per_day),
                "note": f"{amount} {arabic}" if ar else f"{amount} {en}",
            }
        )
    total = {bound: sum(p["days"][bound] for p in phases) for bound in ("low", "high")}
    if plaster > 0 and putty > 0:
        # Putty waits for the plaster to dry; only tiling and gypsum fill that wait.
        for bound in total:
            meanwhile = sum(p["days"][bound] for p in phases if p["key"] in ("tiling", "gypsum"))
            total[bound] += max(0, PLASTER_DRYING_DAYS - meanwhile)
    return {"phases": phases, "total_days": total}
