"""Run the benchmarks and print one Markdown table: every figure against a baseline of the same run.

    make bench                                   # everything (~5 min on a 2-core VM)
    PYTHONPATH=.:layers/common .venv/bin/python -m bench --quick
    PYTHONPATH=.:layers/common .venv/bin/python -m bench --only cold,warm
    PYTHONPATH=.:layers/common .venv/bin/python -m bench --only artefact --build

Sections: ``cold`` (cold start per function and route), ``warm`` (per-request overhead through
Mangum), ``images`` (image intake, ``bench/image_intake.py``), ``artefact`` (the ``sam build``
output: size, ``.pyc``, initialising from it), ``prompts`` (chat prompt tokens per turn over a long
conversation and the share a provider cache can serve, ``bench/prompt_cache.py``). Progress goes
to stderr, the table to stdout.
Nothing here is asserted by the test suite: timings on a shared VM are not pass/fail material.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

SECTIONS = ("cold", "warm", "images", "artefact", "prompts")


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _met(ok: bool) -> str:
    return "✅ yes" if ok else "❌ no"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.notes: list[str] = []

    def add(self, *cells: str) -> None:
        self.rows.append(cells)

    def note(self, text: str) -> int:
        self.notes.append(text)
        return len(self.notes)

    def render(self) -> str:
        header = ("benchmark", "result", "baseline (same run)", "ratio", "budget", "met")
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines.append("")
        lines += [f"{i}. {text}" for i, text in enumerate(self.notes, 1)]
        return "\n".join(lines)


def cold_rows(table: Table, runs: int) -> None:
    from bench import cold

    _log(f"cold start: {runs} interleaved rounds after a warm-up round")
    result = cold.measure(runs=runs, log=_log)
    n = table.note(
        "Cold start: each sample is a fresh python (the venv's, "
        f"{platform.python_version()}) that takes `perf_counter()` as its first statement, imports "
        "`functions.<name>.app` and answers one API Gateway REST v1 proxy event through "
        "`handler(event, context)`; offline providers, AWS on an embedded moto server (real botocore "
        "clients and HTTP). Shown: in-process ms from that first statement to the response (the "
        "Lambda INIT + first request proxy); in brackets the wall ms of the whole process and the "
        "CPU ms it used up to the response (start-up included), which other load on the machine "
        "does not inflate. Baseline: a fresh process importing FastAPI + Mangum + the SDK the route "
        "needs in production (google.genai for chat and edit, openai for generate), building a "
        "one-route app + Mangum and answering the same event; routes that need no SDK are compared "
        f"with a process that imports both SDKs. {runs} rounds after a warm-up round (warm `.pyc` and "
        "page cache on both sides); each candidate runs back to back with its baseline, the ratio is "
        "the median of the per-round ratios of in-process ms, the ms shown are medians."
    )
    labels = {"genai": "FastAPI+Mangum+google.genai", "openai": "FastAPI+Mangum+openai"}
    labels["genai,openai"] = "FastAPI+Mangum+both SDKs"
    for case in result.cases:
        name = f"cold start [{n}] {case.label}"
        budget = f"≤ {case.budget:g}×"
        if case.error or not case.samples.inproc:
            table.add(name, f"error: {case.error}", "", "", budget, _met(False))
            continue
        ratio = case.ratio
        c, f = case.samples, case.floor_samples
        loaded = c.last.get("modules", [])
        sdk = [m for m in loaded if m in ("openai", "google.genai")]
        table.add(
            name + (f" (loaded {', '.join(sdk)})" if sdk else ""),
            f"{c.inproc_ms:.0f} ms (wall {c.wall_ms:.0f}, cpu {c.cpu_ms:.0f})",
            f"{f.inproc_ms:.0f} ms (wall {f.wall_ms:.0f}, cpu {f.cpu_ms:.0f}) {labels[case.floor]}",
            f"{ratio:.2f}× (cpu {c.cpu_ms / f.cpu_ms:.2f}×)",
            budget,
            _met(ratio <= case.budget),
        )
    m = table.note(
        "After a SnapStart restore (`template.yaml` publishes every function with SnapStart): the "
        "same child imports the handler, runs the layer's before-snapshot and after-restore hooks "
        "(`shatably/snapstart.py`) as the runtime would around a snapshot, and only then takes the "
        "time: what remains is the first request itself (clients, credentials, the work). The "
        "restore of the snapshot is Lambda's and is not included. Compared with the full cold start "
        "of the same route above. Informational."
    )
    for case in result.cases:
        r = case.restored_samples
        if case.error or not r.inproc:
            continue
        table.add(
            f"after a SnapStart restore [{m}] {case.label}",
            f"{r.inproc_ms:.0f} ms (first request)",
            f"{case.samples.inproc_ms:.0f} ms full cold start, above",
            f"{r.inproc_ms / case.samples.inproc_ms:.2f}×",
            "(info)",
            "",
        )


def warm_rows(table: Table, iterations: int) -> None:
    from bench import warm

    _log(f"warm overhead: {iterations} calls per handler, in a child process")
    rows = warm.measure(iterations=iterations)
    n = table.note(
        "Warm overhead: `handler(event, context)` of the chat function called in a loop in one "
        f"process ({iterations} timed calls per handler after warm-up, alternating blocks of calls), "
        "with the table, bucket and chat provider replaced by in-process fakes (`bench/fakes.py`): "
        "the instant designer either asks questions (a first turn: text only) or proposes a plan "
        "with room dimensions (validated plan, finishing quantities computed, bigger records and "
        "response). `POST /estimate` (no provider): a reception and a bathroom of new sizes on every "
        "call (1000 distinct jobs, each computed: 28 lines priced, schedule, JSON); its two halves, "
        "for information: the route answering a bill made beforehand (the app's stack), and the "
        "estimator alone without HTTP (parse, compute, JSON). "
        "Powertools Logger/Metrics on (one EMF line per turn), stdout to /dev/null. "
        "Baseline: a bare FastAPI + Mangum app (lifespan off) whose async route echoes the JSON "
        "body, same events. Shown: mean / p50 / p99 µs; the ratio is of the medians (p50)."
    )
    for row in rows:
        c, b = row.candidate, row.baseline
        table.add(
            f"warm [{n}] {row.label}",
            f"{c.mean_us:.0f} / {c.p50_us:.0f} / {c.p99_us:.0f} µs",
            f"{b.mean_us:.0f} / {b.p50_us:.0f} / {b.p99_us:.0f} µs bare FastAPI+Mangum echo",
            f"{row.ratio:.2f}×",
            f"≤ {row.budget:g}×" if row.budget else "(info)",
            _met(row.ratio <= row.budget) if row.budget else "",
        )


def image_rows(table: Table, runs: int) -> None:
    from bench import image_intake

    _log(f"image intake: {runs} interleaved runs")
    r: dict[str, Any] = image_intake.measure(runs=runs)
    targets = image_intake.TARGETS
    w, h = r["source_size"]
    n = table.note(
        f"Image intake (`bench/image_intake.py`): a {w}×{h} q92 JPEG with EXIF orientation 6 + GPS "
        f"({r['source_bytes'] / 1e6:.1f} MB) to a provider-ready upright JPEG. Baseline: plain Pillow "
        "(full decode, exif_transpose at 12 MP, LANCZOS, same JPEG quality). Times are medians of "
        f"{r['runs']} interleaved runs; peak memory is VmHWM over the starting RSS in a fresh "
        "process per pipeline."
    )
    uw, uh = r["upstream_size"]
    table.add(
        f"image intake [{n}] time",
        f"{r['candidate_ms']:.0f} ms",
        f"{r['baseline_ms']:.0f} ms plain Pillow",
        f"{r['ratio']:.2f}×",
        f"≤ {targets['ratio']}×",
        _met(r["ratio"] <= targets["ratio"]),
    )
    table.add(
        f"image intake [{n}] extra peak memory",
        f"{r['candidate_extra_peak_mb']:.1f} MB",
        f"{r['baseline_extra_peak_mb']:.1f} MB plain Pillow",
        f"{r['candidate_extra_peak_mb'] / max(r['baseline_extra_peak_mb'], 0.1):.2f}×",
        f"≤ {targets['candidate_extra_peak_mb']:g} MB",
        _met(r["candidate_extra_peak_mb"] <= targets["candidate_extra_peak_mb"]),
    )
    table.add(
        f"image intake [{n}] bytes sent upstream",
        f"{r['upstream_bytes'] / 1000:.0f} KB ({uw}×{uh} JPEG)",
        f"{r['baseline_bytes'] / 1000:.0f} KB plain Pillow",
        f"{r['upstream_bytes'] / r['baseline_bytes']:.2f}×",
        f"≤ {targets['upstream_bytes'] // 1000} KB",
        _met(r["upstream_bytes"] <= targets["upstream_bytes"]),
    )


def artefact_rows(table: Table, runs: int, build: bool) -> None:
    from bench import artefact
    from bench.stats import median

    _log("artefact: sizes, .pyc census, init from the x86_64 copy")
    r = artefact.measure(runs=runs, build=build, log=_log)
    if r.skipped:
        table.add("artefact (sam build)", r.skipped, "", "", f"≤ {artefact.SIZE_BUDGET_MB:g} MB", "")
        return
    n = table.note(
        "Artefact: apparent (unzipped) size of the arm64 `sam build` output, the layer "
        "(`.aws-sam/build/CommonLayer`) plus the largest API function directory; `.pyc` counted "
        "beside every `.py` of the layer (PEP 552 flags read from each header). Init: python3.13 "
        "imports the chat handler (`import app`, PYTHONPATH = the layer's `python/` + the function "
        "directory) from the x86_64 copy of the artefact (`make build-x86`) with "
        "`PYTHONDONTWRITEBYTECODE=1`, as in Lambda's read-only `/opt`. *Warm cache* baseline: the "
        "same import from a copy of the same artefact whose `.pyc` were deleted and then written by "
        "Python itself on a warm-up run (ordinary timestamp `.pyc` for every module, including the "
        "function's `app.py`), i.e. the best a cache can do; the ratio shows the shipped `.pyc` are "
        f"used. {runs} interleaved rounds: in-process ms (wall ms in brackets) are medians, the ratio "
        "is the median of the per-round ratios." + ("" if not r.notes else " Note: " + "; ".join(r.notes))
    )
    sizes = ", ".join(
        f"{k.removesuffix('Function').lower()} {v / 1000:.1f} KB" for k, v in r.function_bytes.items()
    )
    table.add(
        f"artefact [{n}] layer + function, unzipped (arm64)",
        f"{r.largest_mb:.1f} MB",
        f"layer {r.layer_bytes / 1e6:.1f} MB; {sizes}",
        f"{r.largest_mb / artefact.SIZE_BUDGET_MB:.2f}× of budget",
        f"≤ {artefact.SIZE_BUDGET_MB:g} MB",
        _met(r.largest_mb <= artefact.SIZE_BUDGET_MB),
    )
    ok_pyc = r.pyc_files == r.py_files and r.unchecked_pyc == r.pyc_files and r.py_files > 0
    missing = f"; missing e.g. {', '.join(r.missing_pyc[:3])}" if r.missing_pyc else ""
    table.add(
        f"artefact [{n}] `.pyc` shipped (layer)",
        f"{r.pyc_files} cpython-313 `.pyc`, {r.unchecked_pyc} unchecked-hash",
        f"{r.py_files} `.py`{missing}",
        f"{r.pyc_files / max(r.py_files, 1):.2f}",
        "every `.py`, unchecked-hash",
        _met(ok_pyc),
    )
    if r.init_skipped:
        table.add(
            f"artefact [{n}] init from the artefact", r.init_skipped, "", "", f"≤ {artefact.INIT_BUDGET}×", ""
        )
        return
    ratio = median([a / w for a, w in zip(r.artefact.inproc, r.warm_cache.inproc, strict=True)])
    table.add(
        f"artefact [{n}] init from the artefact (x86_64, py3.13, chat)",
        f"{r.artefact.inproc_ms:.0f} ms ({r.artefact.wall_ms:.0f})",
        f"{r.warm_cache.inproc_ms:.0f} ms ({r.warm_cache.wall_ms:.0f}) warm `__pycache__`; "
        f"without any `.pyc`: {r.no_pyc.inproc_ms:.0f} ms",
        f"{ratio:.2f}×",
        f"≤ {artefact.INIT_BUDGET}×",
        _met(ratio <= artefact.INIT_BUDGET),
    )


def prompt_rows(table: Table) -> None:
    from bench import prompt_cache
    from shatably.settings import Settings

    _log(f"prompt tokens: a {prompt_cache.TURNS}-turn chat with {len(prompt_cache.PHOTO_TURNS)} photos")
    costs = prompt_cache.measure()
    settings = Settings()
    budget, window = settings.history_token_budget, settings.history_turns_window
    n = table.note(
        f"Prompt tokens: a {len(costs)}-turn conversation (photos at turns "
        f"{', '.join(map(str, prompt_cache.PHOTO_TURNS))}; ~25-word messages, ~110-word answers) through "
        "the chat route and the google-genai SDK to the fake Gemini, which counts a word or an image "
        "token (560 per photo on Gemini 3, provider-realworld.md §4) as one prompt token, so real "
        "counts run higher (Arabic especially). Old turns leave half the window at a time, so the count "
        "saw-tooths: it *plateaus* when no turn after the first trim costs more than the peak before it. "
        "*Stable prefix*: the tokens a prompt shares from its "
        "start with the previous turn's (system instruction and earlier turns sent unchanged): what "
        "an implicit cache can serve; *served*: what the fake's cache simulation served "
        "(`cachedContentTokenCount`, prefixes of 4,096+ tokens on gemini-3.5-flash, rw §5)."
    )
    prompts = [c.prompt_tokens for c in costs]
    # Old turns leave in blocks, so the count saw-tooths: it plateaus when no turn after the first
    # trim (turn window + 2) costs more than the peak before it.
    after_trim = prompts[window + 1 :]
    plateau = bool(after_trim) and max(after_trim) <= max(prompts[: window + 1]) and max(prompts) <= budget
    marks = " / ".join(str(prompts[i - 1]) for i in (1, 10, 20, len(prompts)) if i <= len(prompts))
    table.add(
        f"prompts [{n}] chat prompt tokens per turn (turns 1/10/20/{len(prompts)})",
        f"{marks} (max {max(prompts)})",
        f"history budget {budget:,}",
        f"{max(prompts) / budget:.2f}×",
        "plateaus under the budget",
        _met(plateau),
    )
    total = sum(prompts) or 1
    stable = sum(c.stable_prefix_tokens for c in costs) / total
    served = sum(c.cached_tokens for c in costs) / total
    extended = sum(1 for c in costs[1:] if c.prefix_kept)
    table.add(
        f"prompts [{n}] cacheable share of prompt tokens",
        f"{stable:.0%} stable prefix ({served:.0%} served); {extended}/{len(costs) - 1} turns "
        "extend the previous prompt",
        f"≥ {prompt_cache.MIN_STABLE_SHARE:.0%}",
        f"{stable / prompt_cache.MIN_STABLE_SHARE:.2f}×",
        "a stable prefix (breaks only at block trims)",
        _met(stable >= prompt_cache.MIN_STABLE_SHARE),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs (a rough look, ~2 min)")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}"
    )
    parser.add_argument(
        "--build", action="store_true", help="run make build / build-x86 first, even if not stale"
    )
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    quick = args.quick
    table = Table()
    started = time.perf_counter()
    steps: dict[str, Callable[[], None]] = {
        "cold": lambda: cold_rows(table, runs=3 if quick else 7),
        "warm": lambda: warm_rows(table, iterations=600 if quick else 2000),
        "images": lambda: image_rows(table, runs=3 if quick else 9),
        "artefact": lambda: artefact_rows(table, runs=3 if quick else 7, build=args.build),
        "prompts": lambda: prompt_rows(table),
    }
    for section in SECTIONS:
        if section in only:
            steps[section]()
    elapsed = time.perf_counter() - started
    print(
        f"Benchmarks ({', '.join(s for s in SECTIONS if s in only)}{', quick' if quick else ''}) on "
        f"{platform.machine()} {platform.system()}, {_cpus()} CPUs, python {platform.python_version()}; "
        f"took {elapsed:.0f} s. Ratios compare with a baseline measured in the same run.\n"
    )
    print(table.render())
    missed = sum("❌" in row[-1] for row in table.rows)
    _log(f"{missed} budget(s) missed" if missed else "every budget met")
    return 0  # informational: a shared VM's timings are not pass/fail material


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
