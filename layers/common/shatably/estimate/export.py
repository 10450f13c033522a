"""The bill as CSV that Excel opens correctly: UTF-8 with a byte-order mark, CRLF rows, headers and
item names in the estimate's language."""

from __future__ import annotations

import csv
import io
from typing import Any

from shatably.estimate.vocabulary import UNITS

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"

_HEADERS = {
    "en": (
        "Room",
        "Key",
        "Item",
        "Quantity",
        "Unit",
        "Packs",
        "Unit price low (EGP)",
        "Unit price high (EGP)",
        "Total low (EGP)",
        "Total high (EGP)",
        "Note",
    ),
    "ar": (
        "الأوضة",
        "الكود",
        "البند",
        "الكمية",
        "الوحدة",
        "العبوات",
        "سعر الوحدة من (جنيه)",
        "سعر الوحدة إلى (جنيه)",
        "الإجمالي من (جنيه)",
        "الإجمالي إلى (جنيه)",
        "ملاحظة",
    ),
}


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def to_csv(document: dict[str, Any]) -> bytes:
    """``document`` is an estimate (``service.estimate_document`` or ``Estimate.model_dump()``)."""
    ar = document["lang"] == "ar"
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_HEADERS["ar" if ar else "en"])
    for item in document["items"]:
        unit = UNITS[item["unit"]][1 if ar else 0]
        packs = item["packs"]
        parts = []
        while packs:
            pack_unit = UNITS[packs["unit"]][1 if ar else 0]
            parts.append(f"{packs['count']} × {_number(packs['size'])} {pack_unit} {packs['name']}")
            packs = packs.get("plus")
        pack_text = " + ".join(parts)
        writer.writerow(
            (
                item["room"],
                item["key"],
                item["name"],
                _number(item["quantity"]),
                unit,
                pack_text,
                item["unit_price_egp"]["low"],
                item["unit_price_egp"]["high"],
                item["total_egp"]["low"],
                item["total_egp"]["high"],
                item["note"],
            )
        )
    total = document["total_egp"]
    book = document["price_book"]
    writer.writerow(
        ("الإجمالي" if ar else "Total", "total", "", "", "", "", "", "", total["low"], total["high"], "")
    )
    writer.writerow(
        (
            "قائمة الأسعار" if ar else "Price book",
            "price_book",
            book["version"],
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            book["date"],
        )
    )
    return out.getvalue().encode("utf-8")
