"""Content negotiation for routes that answer JSON or CSV (RFC 9110 §12.5.1, q-values only)."""

from __future__ import annotations


def prefers_csv(accept: str) -> bool:
    """Whether ``text/csv`` is acceptable and weighted above JSON (JSON wins ties and ``*/*``)."""
    csv_q = json_q = -1.0
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media == "text/csv":
            csv_q = max(csv_q, q)
        elif media in ("application/json", "application/*", "*/*"):
            json_q = max(json_q, q)
    return csv_q > 0 and csv_q > json_q
