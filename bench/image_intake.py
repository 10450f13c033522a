"""Image intake benchmark: plain Pillow against ``shatably.images.prepare_upstream``, same run.

    PYTHONPATH=.:layers/common .venv/bin/python -m bench.image_intake [--runs 9]

The source is generated here (performance-baseline.md §5): a 4032x3024 JPEG of gradients plus
noise at q92 with EXIF Orientation=6 and a GPS block, about 5 MB, i.e. a 12 MP phone photo.

* baseline  = Image.open + full decode + ImageOps.exif_transpose (12 MP) + LANCZOS resize to fit
  the upstream side + JPEG encode at the same quality;
* candidate = prepare_upstream (draft decode, reduce/resample, transpose last, JPEG).

Times are medians of interleaved runs in this process. Peak memory is measured in a fresh
subprocess per pipeline, because Pillow allocates image memory outside tracemalloc's view: the
child resets its RSS high-water mark, runs the pipeline once and reports VmHWM minus the RSS it
started from. Targets: ratio <= 0.45, candidate extra peak <= 35 MB, upstream bytes <= 400 KB.
Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from shatably.images import prepare_upstream
from shatably.images.encode import JPEG_QUALITY
from shatably.settings import get_settings

REPO = Path(__file__).resolve().parents[1]
SOURCE_SIZE = (4032, 3024)
TARGETS = {"ratio": 0.45, "candidate_extra_peak_mb": 35.0, "upstream_bytes": 400_000}


def synthetic_photo(size: tuple[int, int] = SOURCE_SIZE) -> bytes:
    """Gradients plus Gaussian noise (a worst case for JPEG size), EXIF Orientation=6 and GPS."""
    ramp = Image.linear_gradient("L")
    bands = [ramp.rotate(90).resize(size), ramp.resize(size), Image.radial_gradient("L").resize(size)]
    im = Image.merge("RGB", [Image.blend(band, Image.effect_noise(size, 40), 0.3) for band in bands])
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (30.0, 2.0, 24.0), 3: "E", 4: (31.0, 14.0, 9.0)})
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue()


def baseline(data: bytes) -> bytes:
    side = get_settings().upstream_max_side
    im: Image.Image = Image.open(io.BytesIO(data))
    im.load()
    im = ImageOps.exif_transpose(im)
    scale = side / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def candidate(data: bytes) -> bytes:
    return prepare_upstream(data).data


PIPELINES: dict[str, Callable[[bytes], bytes]] = {"baseline": baseline, "candidate": candidate}


def _ms(run: Callable[[bytes], bytes], data: bytes) -> float:
    start = time.perf_counter()
    run(data)
    return (time.perf_counter() - start) * 1000


def _proc_status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _peak_child(which: str, path: str) -> None:
    """Child mode: one run of one pipeline, printing its extra peak RSS in MB as JSON."""
    run = PIPELINES[which]
    data = Path(path).read_bytes()
    run(synthetic_photo((64, 48)))  # lazy imports and codec set-up are not the pipeline's peak
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS (Linux >= 4.0)
    before = _proc_status_kib("VmRSS")
    run(data)
    print(json.dumps({"extra_peak_mb": (_proc_status_kib("VmHWM") - before) / 1024}))


def _peak_mb(which: str, path: Path, repeats: int) -> float:
    env = {"PYTHONPATH": f"{REPO}:{REPO / 'layers' / 'common'}", "PATH": "/usr/bin:/bin"}
    peaks: list[float] = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-m", "bench.image_intake", "--peak", which, str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
        )
        peaks.append(json.loads(out.stdout)["extra_peak_mb"])
    return statistics.median(peaks)


def measure(runs: int = 9, memory_repeats: int = 3) -> dict[str, Any]:
    data = synthetic_photo()
    for run in PIPELINES.values():
        run(data)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in PIPELINES}
    for _ in range(runs):  # interleaved, so drift on a noisy VM hits both alike
        for name, run in PIPELINES.items():
            times[name].append(_ms(run, data))
    prepared = prepare_upstream(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        path.write_bytes(data)
        peaks = {name: _peak_mb(name, path, memory_repeats) for name in PIPELINES}
    baseline_ms = statistics.median(times["baseline"])
    candidate_ms = statistics.median(times["candidate"])
    return {
        "source_bytes": len(data),
        "source_size": list(SOURCE_SIZE),
        "runs": runs,
        "baseline_ms": round(baseline_ms, 1),
        "candidate_ms": round(candidate_ms, 1),
        "ratio": round(candidate_ms / baseline_ms, 3),
        "baseline_extra_peak_mb": round(peaks["baseline"], 1),
        "candidate_extra_peak_mb": round(peaks["candidate"], 1),
        "upstream_bytes": len(prepared.data),
        "upstream_size": [prepared.width, prepared.height],
        "baseline_bytes": len(baseline(data)),
    }


def _table(result: dict[str, Any]) -> str:
    w, h = result["source_size"]
    uw, uh = result["upstream_size"]
    rows = [
        ("source", f"{w}x{h} JPEG q92, EXIF orientation 6 + GPS, {result['source_bytes'] / 1e6:.2f} MB", ""),
        ("baseline ms (median)", f"{result['baseline_ms']:.1f}", ""),
        ("candidate ms (median)", f"{result['candidate_ms']:.1f}", ""),
        ("ratio candidate/baseline", f"{result['ratio']:.3f}", f"<= {TARGETS['ratio']}"),
        ("baseline extra peak MB", f"{result['baseline_extra_peak_mb']:.1f}", ""),
        (
            "candidate extra peak MB",
            f"{result['candidate_extra_peak_mb']:.1f}",
            f"<= {TARGETS['candidate_extra_peak_mb']}",
        ),
        (
            "upstream bytes",
            f"{result['upstream_bytes']:,} ({uw}x{uh} JPEG)",
            f"<= {TARGETS['upstream_bytes']:,}",
        ),
        ("baseline output bytes", f"{result['baseline_bytes']:,}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value:<44} {target}".rstrip() for name, value, target in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--peak", nargs=2, metavar=("PIPELINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        _peak_child(*args.peak)
        return
    result = measure(runs=args.runs)
    print(f"image intake, {result['runs']} interleaved runs (median)\n")
    print(_table(result))


if __name__ == "__main__":
    main()
