"""The price book: EGP unit prices per grade, dated and versioned, replaceable without a deploy.

The built-in book is ``pricebook.json`` next to this module. An operator replaces it by naming
another in ``PRICE_BOOK_SOURCE``: ``s3://bucket/key`` or ``ssm:/parameter/name``. A replacement is
validated against the same schema (every entry the rules price, all three grades, low ≤ high,
packs that make sense); a book that fails is refused with one log line and the built-in one stays.
The book is read once per ``REFRESH_SECONDS`` per process, so a new one takes effect within that.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shatably.estimate.models import GRADES, Grade, Unit

BUILT_IN = Path(__file__).with_name("pricebook.json")
REFRESH_SECONDS = 300.0
MAX_BOOK_BYTES = 256 * 1024

# Every entry the rules price (rules.Quantity.price_key), with the unit its price is per.
REQUIRED_ENTRIES: dict[str, Unit] = {
    "plaster": "m2",
    "putty": "L",
    "sealer": "L",
    "wall_paint": "L",
    "ceiling_paint": "L",
    "labour_paint": "m2",
    "wallpaper": "roll",
    "labour_wallpaper": "m2",
    "stone_cladding": "m2",
    "labour_tiling": "m2",
    "wall_ceramic": "m2",
    "ceramic": "m2",
    "porcelain": "m2",
    "porcelain_large": "m2",
    "tile_adhesive": "kg",
    "grout": "kg",
    "skirting": "m",
    "waterproofing": "m2",
    "parquet": "m2",
    "vinyl": "m2",
    "marble": "m2",
    "labour_flooring": "m2",
    "labour_marble": "m2",
    "gypsum_board": "m2",
    "gypsum_framing": "m",
    "cornice": "m",
    "labour_gypsum": "m2",
    "electrical_points": "point",
    "plumbing_points": "point",
    "ac_piping": "point",
}

Price = Annotated[float, Field(ge=0, le=1_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pack(_Strict):
    size: Annotated[float, Field(gt=0, le=10_000)]
    name_en: Annotated[str, Field(min_length=1, max_length=60)]
    name_ar: Annotated[str, Field(min_length=1, max_length=60)]


class Entry(_Strict):
    unit: Unit
    kind: Literal["material", "labour", "supply_and_apply"]
    source: Annotated[str, Field(min_length=1, max_length=500)]  # a citation, or "estimate"
    prices: dict[Grade, tuple[Price, Price]]
    packs: Annotated[list[Pack], Field(max_length=4)] = []
    note: Annotated[str, Field(max_length=500)] = ""

    @field_validator("prices")
    @classmethod
    def _every_grade_ordered(
        cls, prices: dict[Grade, tuple[float, float]]
    ) -> dict[Grade, tuple[float, float]]:
        missing = [g for g in GRADES if g not in prices]
        if missing:
            raise ValueError(f"missing grades: {', '.join(missing)}")
        for grade, (low, high) in prices.items():
            if low > high:
                raise ValueError(f"{grade}: low {low:g} is above high {high:g}")
        return prices


class PriceBook(_Strict):
    version: Annotated[str, Field(min_length=1, max_length=40)]
    date: date
    currency: Literal["EGP"]
    note: Annotated[str, Field(max_length=2000)] = ""
    entries: dict[str, Entry]

    @model_validator(mode="after")
    def _complete(self) -> PriceBook:
        missing = sorted(set(REQUIRED_ENTRIES) - set(self.entries))
        if missing:
            raise ValueError(f"missing entries: {', '.join(missing)}")
        wrong = [
            f"{key} is per {self.entries[key].unit}, not {unit}"
            for key, unit in REQUIRED_ENTRIES.items()
            if self.entries[key].unit != unit
        ]
        if wrong:
            raise ValueError("; ".join(wrong))
        return self

    def price(self, key: str, grade: Grade) -> tuple[float, float]:
        return self.entries[key].prices[grade]


class PriceBookRefused(ValueError):
    """A replacement book that is unreadable or fails the schema (the reason, never its content)."""


def parse(raw: bytes | str) -> PriceBook:
    if len(raw) > MAX_BOOK_BYTES:
        raise PriceBookRefused(f"larger than {MAX_BOOK_BYTES} bytes")
    try:
        return PriceBook.model_validate_json(raw)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]]
        raise PriceBookRefused("; ".join(problems)) from None


@lru_cache(maxsize=1)
def built_in() -> PriceBook:
    return parse(BUILT_IN.read_bytes())


def _read_source(source: str) -> bytes:
    """The raw book named by ``PRICE_BOOK_SOURCE``, through the layer's AWS clients."""
    from shatably.storage.aws import client

    if source.startswith("s3://"):
        bucket, _, key = source.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise PriceBookRefused("an S3 source is s3://bucket/key")
        body = client("s3").get_object(Bucket=bucket, Key=key)["Body"]
        data: bytes = body.read(MAX_BOOK_BYTES + 1)
        return data
    if source.startswith("ssm:"):
        name = source.removeprefix("ssm:")
        value: str = client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        return value.encode()
    raise PriceBookRefused("PRICE_BOOK_SOURCE is s3://bucket/key or ssm:/parameter/name")


class _Current:
    """The book in use: the operator's when it is valid, re-read every ``REFRESH_SECONDS``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._book: PriceBook | None = None
        self._source: str | None = None
        self._read_at = 0.0

    def get(self, source: str | None) -> PriceBook:
        now = time.monotonic()
        book = self._book
        if book is not None and source == self._source and now - self._read_at < REFRESH_SECONDS:
            return book
        with self._lock:
            self._book = self._load(source)
            self._source = source
            self._read_at = now
            return self._book

    def _load(self, source: str | None) -> PriceBook:
        if not source:
            return built_in()
        from shatably.observability import logger

        try:
            book = parse(_read_source(source))
        except PriceBookRefused as exc:
            logger.error(
                "price book refused; the built-in book stays", extra={"source": source, "reason": str(exc)}
            )
            return self._book if self._book is not None and self._source == source else built_in()
        except Exception as exc:  # unreachable or missing: the same answer, with the error's type
            logger.error(
                "price book unreadable; the built-in book stays",
                extra={"source": source, "error": type(exc).__name__},
            )
            return self._book if self._book is not None and self._source == source else built_in()
        logger.info(
            "price book loaded", extra={"source": source, "version": book.version, "date": str(book.date)}
        )
        return book

    def reset(self) -> None:
        with self._lock:
            self._book, self._source, self._read_at = None, None, 0.0


_current = _Current()


def current(source: str | None) -> PriceBook:
    """The book to price with, given the configured source (None: the built-in book)."""
    return _current.get(source)


def reset() -> None:
    """Forget the loaded book (tests; a SnapStart restore re-reads it on first use anyway)."""
    _current.reset()
