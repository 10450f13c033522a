"""Capture everything a function writes while a test runs, to look for things that must not be there.

A Lambda function's output is what it writes: Powertools Logger's JSON lines (a handler bound to the
stdout of import time), EMF metric blobs (printed), anything another library logs (the root logger)
and any stray print or warning (stdout/stderr at the file-descriptor level, through pytest's ``capfd``).

The root logger is watched at INFO: the level Lambda gives it with the JSON log format the template
configures (no ApplicationLogLevel). Powertools' own level is the test's to choose (POWERTOOLS_LOG_LEVEL).
At root DEBUG, third-party libraries print what they send (botocore: DynamoDB items with the user's
text); a deployment must not turn that on.
"""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.NOTSET)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name} {record.levelname} {record.getMessage()} {record.__dict__}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.sink.append(text)


@dataclass
class Captured:
    powertools: io.StringIO = field(default_factory=io.StringIO)
    records: list[str] = field(default_factory=list)
    streams: str = ""  # stdout + stderr, filled in when the capture ends

    def text(self) -> str:
        return "\n".join([self.powertools.getvalue(), *self.records, self.streams])

    def json_lines(self) -> list[dict[str, Any]]:
        """Powertools' log lines and EMF blobs, parsed (pretty-printed JSON spans several lines)."""
        import json

        decoder = json.JSONDecoder()
        found: list[dict[str, Any]] = []
        for source in (self.powertools.getvalue(), self.streams):
            index = 0
            while (start := source.find("{", index)) != -1:
                try:
                    value, end = decoder.raw_decode(source, start)
                except ValueError:
                    index = start + 1
                    continue
                if isinstance(value, dict):
                    found.append(value)
                index = end
        return found


@contextmanager
def capture_output(capfd: Any, root_level: int = logging.INFO) -> Iterator[Captured]:
    """Capture the Powertools logger, the root logger (at ``root_level``) and stdout/stderr."""
    from shatably.observability import logger

    captured = Captured()
    handlers = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "the Powertools logger has no stream handler to watch"
    previous = [h.setStream(_Tee(h.stream, captured.powertools)) for h in handlers]
    root = logging.getLogger()
    collector = _Collect(captured.records)
    old_level = root.level
    root.addHandler(collector)
    root.setLevel(root_level)
    capfd.readouterr()  # what came before is not ours
    try:
        yield captured
    finally:
        out, err = capfd.readouterr()
        captured.streams = out + "\n" + err
        root.removeHandler(collector)
        root.setLevel(old_level)
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


class _Tee(io.TextIOBase):
    def __init__(self, *targets: Any) -> None:
        self.targets = [t for t in targets if t is not None]

    def write(self, text: str) -> int:
        for target in self.targets:
            target.write(text)
        return len(text)

    def flush(self) -> None:
        for target in self.targets:
            target.flush()


def find_leaks(haystack: str, secrets: Iterable[str], context: int = 120) -> list[str]:
    """Every place a secret (or its most telling slice) appears, with some context around it."""
    hits = []
    for secret in secrets:
        start = haystack.find(secret)
        while start != -1:
            hits.append(f"{secret[:16]}...: ...{haystack[max(0, start - context) : start + context]}...")
            start = haystack.find(secret, start + 1)
    return hits
