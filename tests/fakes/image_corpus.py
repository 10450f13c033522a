"""A generated image corpus: every sample is built in memory, nothing is downloaded or committed.

Builders return bytes (or PIL images for the pixel sources); inspectors look inside encoded bytes
for metadata and trailing data without trusting Pillow to report them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

from PIL import Image

EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,2.4N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


# --------------------------------------------------------------------------------------------------
# pixel sources


def gradient(size: tuple[int, int] = (96, 64), mode: str = "RGB") -> Image.Image:
    """A deterministic picture with different content in each channel (so swaps would show)."""
    w, h = size
    ramp = Image.linear_gradient("L")
    red = ramp.rotate(90).resize(size)
    green = ramp.resize(size)
    blue = Image.radial_gradient("L").resize(size)
    im = Image.merge("RGB", (red, green, blue))
    if mode == "RGBA":
        im.putalpha(ramp.resize((w, h)))
    elif mode != "RGB":
        im = im.convert(mode)
    return im


CORNER_COLOURS = {
    "top_left": (255, 0, 0),
    "top_right": (0, 255, 0),
    "bottom_left": (0, 0, 255),
    "bottom_right": (255, 255, 0),
}


def corner_markers(size: tuple[int, int], block: int) -> Image.Image:
    """An upright grey image with a distinct solid colour block in each corner."""
    w, h = size
    im = Image.new("RGB", size, (128, 128, 128))
    origins = {
        "top_left": (0, 0),
        "top_right": (w - block, 0),
        "bottom_left": (0, h - block),
        "bottom_right": (w - block, h - block),
    }
    for name, (x, y) in origins.items():
        im.paste(CORNER_COLOURS[name], (x, y, x + block, y + block))
    return im


def stored_for_orientation(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores so that a viewer honouring EXIF ``orientation`` shows ``upright``.

    Written from the EXIF 2.3 definitions (which visual side row 0 and column 0 are) as an affine
    map from stored to upright coordinates, independently of the Transpose table the pipeline uses.
    """
    w, h = upright.size
    # (a, b, c, d, e, f): upright x = a*x + b*y + c, upright y = d*x + e*y + f, for stored (x, y).
    maps = {
        1: (1, 0, 0, 0, 1, 0),
        2: (-1, 0, w, 0, 1, 0),  # row 0 = top, column 0 = right
        3: (-1, 0, w, 0, -1, h),  # row 0 = bottom, column 0 = right
        4: (1, 0, 0, 0, -1, h),  # row 0 = bottom, column 0 = left
        5: (0, 1, 0, 1, 0, 0),  # row 0 = left, column 0 = top
        6: (0, -1, w, 1, 0, 0),  # row 0 = right, column 0 = top
        7: (0, -1, w, -1, 0, h),  # row 0 = right, column 0 = bottom
        8: (0, 1, 0, -1, 0, h),  # row 0 = left, column 0 = bottom
    }
    size = (h, w) if orientation >= 5 else (w, h)
    return upright.transform(size, Image.Transform.AFFINE, maps[orientation], Image.Resampling.NEAREST)


# --------------------------------------------------------------------------------------------------
# encoders and metadata


def exif(*, orientation: int | None = None, gps: bool = False, note: bytes | None = None) -> bytes:
    ex = Image.Exif()
    ex[0x010F] = "PhoneMaker"  # Make
    if orientation is not None:
        ex[EXIF_ORIENTATION] = orientation
    if gps:
        gps_ifd = ex.get_ifd(EXIF_GPS_IFD)
        gps_ifd[1] = "N"
        gps_ifd[2] = (30.0, 2.0, 24.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (31.0, 14.0, 9.0)
    if note is not None:
        ex.get_ifd(0x8769)[0x927C] = note  # MakerNote in the Exif IFD
    return ex.tobytes()


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def jpeg(im: Image.Image | None = None, **params: Any) -> bytes:
    params.setdefault("quality", 90)
    return encode(im if im is not None else gradient(), "JPEG", **params)


def png(im: Image.Image | None = None, **params: Any) -> bytes:
    return encode(im if im is not None else gradient(), "PNG", **params)


def webp(im: Image.Image | None = None, **params: Any) -> bytes:
    return encode(im if im is not None else gradient(), "WEBP", **params)


def heic(im: Image.Image | None = None, **params: Any) -> bytes:
    """A real HEIC, encoded by pillow-heif (x265, a test-only dependency).

    Through pillow-heif's own API, never its Pillow plugin: registering that would replace the
    decode-only pi-heif opener the layer ships, and the tests would decode with the wrong library.
    """
    import pillow_heif

    params.setdefault("quality", 80)
    im = im if im is not None else gradient()
    heif = pillow_heif.from_pillow(im)
    params.pop("save_all", None)
    for extra in params.pop("append_images", []):
        heif.add_from_pillow(extra)
    buf = io.BytesIO()
    heif.save(buf, **params)
    return buf.getvalue()


def heic_collection() -> bytes:
    """A HEIF holding two top-level still images; the first is the primary."""
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (32, 32), (30, 30, 200))
    return heic(first, save_all=True, append_images=[second])


def mpo() -> bytes:
    """A multi-picture JPEG (as Ultra HDR gain maps and depth maps are stored): primary first."""
    primary, secondary = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (32, 24), (0, 0, 0))
    return encode(primary, "MPO", save_all=True, append_images=[secondary], quality=90)


def icc_profile(gamma: float = 1.0, description: str = "Linear test RGB") -> bytes:
    """A minimal ICC v2 RGB matrix/TRC display profile: sRGB primaries, a pure-gamma curve.

    With gamma 1.0 (linear light) a mid-grey of 128 must come out near 188 in sRGB, so a test can
    see that the profile was honoured rather than dropped.
    """

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB primaries adapted to D50
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0public domain\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        padded = data + bytes(-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + bytes(4 + 16 + 28)
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --------------------------------------------------------------------------------------------------
# hostile and unusual samples


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height, with one empty IDAT: a few dozen bytes.

    At 20000 x 20000 this is the classic decompression bomb: 400 MP (1.2 GB of RGB) declared by
    a 67-byte file.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )


def png_bomb() -> bytes:
    return png_header_only(20_000, 20_000)


def png_with_fixed_crcs(data: bytes) -> bytes:
    """``data`` with every well-framed PNG chunk's CRC recomputed, so that corruption reaches the
    chunk parsers and the zlib decoder instead of stopping at the CRC check."""
    out, i = bytearray(data), 8
    while i + 12 <= len(out):
        length = struct.unpack(">I", out[i : i + 4])[0]
        end = i + 8 + length
        if end + 4 > len(out):
            break
        out[end : end + 4] = struct.pack(">I", zlib.crc32(bytes(out[i + 4 : end])))
        i = end + 4
    return bytes(out)


def png_corrupt_idat() -> bytes:
    """A PNG whose compressed pixels are garbage mid-stream, with every chunk CRC still valid:
    the zlib stream fails while decoding, not while reading the file."""
    data = bytearray(png(gradient((64, 64))))
    start = data.index(b"IDAT") + 4
    length = struct.unpack(">I", data[start - 8 : start - 4])[0]
    data[start + length // 2 : start + length // 2 + 16] = b"\xff" * 16
    return png_with_fixed_crcs(bytes(data))


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF header is patched to declare another size."""
    data = bytearray(jpeg(Image.new("RGB", (16, 16), (10, 200, 10))))
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5 : i + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        i += 2 + length
    raise AssertionError("no SOF marker")


def webp_canvas_bomb() -> bytes:
    """An animated WebP whose VP8X canvas claims 16383 x 16383 around two 8x8 frames."""
    frames = [Image.new("RGB", (8, 8), c) for c in ("red", "blue")]
    data = bytearray(webp(frames[0], save_all=True, append_images=frames[1:], lossless=True))
    assert data[12:16] == b"VP8X"
    data[24:27] = (16383 - 1).to_bytes(3, "little")
    data[27:30] = (16383 - 1).to_bytes(3, "little")
    return bytes(data)


def truncated_jpeg() -> bytes:
    data = jpeg(gradient((256, 256)))
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = png(gradient((256, 256)))
    return data[: len(data) // 2]


def jpeg_with_zip() -> bytes:
    """A JPEG/ZIP polyglot: image viewers show the JPEG, unzip finds the archive."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payload.html", HTML_PAYLOAD)
    return jpeg() + buf.getvalue()


def jpeg_with_html() -> bytes:
    return jpeg() + HTML_PAYLOAD


def jpeg_with_private_metadata() -> bytes:
    """GPS EXIF, a maker note, XMP, an ICC profile and a comment: everything a photo can leak."""
    return jpeg(
        gradient(),
        exif=exif(gps=True, note=b"SERIAL-123456"),
        xmp=XMP_PACKET,
        icc_profile=srgb_icc(),
        comment=b"taken at home",
    )


def animated_gif() -> bytes:
    frames = [Image.new("P", (16, 16), i) for i in (1, 2, 3)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (16, 16), c) for c in ("red", "green", "blue")]
    return webp(frames[0], save_all=True, append_images=frames[1:], duration=100)


def apng() -> bytes:
    frames = [Image.new("RGB", (16, 16), c) for c in ("red", "green", "blue")]
    return png(frames[0], save_all=True, append_images=frames[1:], duration=100)


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
    )


def psd() -> bytes:
    """A minimal valid 8-bit RGB Photoshop file (Pillow's PSD plugin opens it when allowed)."""
    w, h = 4, 4
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, h, w, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)  # colour mode data, image resources, layers: empty
    pixels = struct.pack(">H", 0) + bytes(3 * w * h)  # raw (uncompressed) planar channels
    return header + sections + pixels


def fits() -> bytes:
    """A minimal FITS primary HDU (an 8-bit 4x4 array)."""
    cards = [f"{key:<8}= {value:>20}" for key, value in [("SIMPLE", "T"), ("BITPIX", 8), ("NAXIS", 2)]]
    cards += [f"{key:<8}= {value:>20}" for key, value in [("NAXIS1", 4), ("NAXIS2", 4)]] + ["END"]
    header = "".join(c.ljust(80) for c in cards).ljust(2880).encode("ascii")
    return header + bytes(2880)


def other_formats() -> dict[str, bytes]:
    """Real files of formats we refuse, each as it would arrive renamed to ``photo.jpg``."""
    small = gradient((32, 24))
    return {
        "gif": encode(small.convert("P"), "GIF"),
        "tiff": encode(small, "TIFF"),
        "bmp": encode(small, "BMP"),
        "ico": encode(small, "ICO"),
        "pdf": encode(small, "PDF"),
        "psd": psd(),
        "fits": fits(),
        "svg": svg_with_script(),
        "avif_brand": b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf" + bytes(64),
        "mp4": b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + bytes(64),
        "html": HTML_PAYLOAD,
        "zip": jpeg_with_zip()[len(jpeg()) :],
        "riff_wave": b"RIFF\x24\0\0\0WAVEfmt " + bytes(32),
    }


def cmyk_jpeg() -> bytes:
    im = Image.new("CMYK", (48, 32), (255, 0, 0, 0))  # pure cyan ink
    im.paste((0, 0, 0, 0), (0, 0, 24, 32))  # no ink: white paper
    return jpeg(im, quality=95)


def png_16bit_gray() -> bytes:
    im = Image.new("I;16", (8, 4))
    im.paste(0, (0, 0, 2, 4))
    im.paste(32896, (2, 0, 4, 4))  # half scale: 128 once scaled to 8 bits
    im.paste(65535, (4, 0, 8, 4))
    return png(im)


def palette_png_with_transparency() -> bytes:
    im = Image.new("P", (16, 16), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * (254 * 3))
    im.paste(1, (8, 0, 16, 16))
    return png(im, transparency=0)  # index 0 (the red half) is fully transparent


def grayscale_jpeg() -> bytes:
    return jpeg(gradient((64, 48)).convert("L"))


def with_icc(fmt: str, icc: bytes, colour: tuple[int, int, int] = (128, 128, 128)) -> bytes:
    params: dict[str, Any] = {"icc_profile": icc}
    if fmt == "JPEG":
        params["quality"] = 95
    return encode(Image.new("RGB", (32, 32), colour), fmt, **params)


# --------------------------------------------------------------------------------------------------
# inspectors


def jpeg_markers(data: bytes) -> tuple[list[int], bytes]:
    """The markers before the scan data, and any bytes after the final EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, i = [], 2
    while True:
        marker = data[i + 1]
        markers.append(marker)
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker == 0xDA:  # start of scan: entropy-coded data follows up to EOI
            end = data.rindex(b"\xff\xd9") + 2
            return markers, data[end:]
        i += 2 + length


def png_chunk_types(data: bytes) -> tuple[list[bytes], bytes]:
    """The chunk types in order, and any bytes after IEND."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    kinds, i = [], 8
    while i < len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        kinds.append(kind)
        i += 12 + length
        if kind == b"IEND":
            break
    return kinds, data[i:]


def webp_chunk_types(data: bytes) -> tuple[list[bytes], bytes]:
    """The RIFF chunk types, and any bytes beyond the RIFF size."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    end = 8 + struct.unpack("<I", data[4:8])[0]
    kinds, i = [], 12
    while i < end:
        kind, length = data[i : i + 4], struct.unpack("<I", data[i + 4 : i + 8])[0]
        kinds.append(kind)
        i += 8 + length + (length & 1)
    return kinds, data[end:]


_JPEG_ALLOWED = {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}  # JFIF APP0, tables, frame, scan
_PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
_WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def metadata_found(data: bytes) -> list[str]:
    """Everything in encoded output that is not pixels: metadata segments/chunks, trailing bytes,
    and whatever Pillow itself reports (EXIF, GPS IFD, XMP, ICC, comments)."""
    found: list[str] = []
    if data[:2] == b"\xff\xd8":
        markers, trailing = jpeg_markers(data)
        found += [f"JPEG marker 0x{m:02X}" for m in markers if m not in _JPEG_ALLOWED]
    elif data[:4] == b"\x89PNG":
        chunks, trailing = png_chunk_types(data)
        found += [f"PNG chunk {c!r}" for c in chunks if c not in _PNG_ALLOWED]
    elif data[:4] == b"RIFF":
        chunks, trailing = webp_chunk_types(data)
        found += [f"WebP chunk {c!r}" for c in chunks if c not in _WEBP_ALLOWED]
    else:
        return ["not a JPEG, PNG or WebP"]
    if trailing:
        found.append(f"{len(trailing)} trailing bytes")
    with Image.open(io.BytesIO(data)) as im:
        found += [f"info[{key!r}]" for key in ("exif", "xmp", "icc_profile", "comment") if key in im.info]
        ex = im.getexif()
        if len(ex):
            found.append(f"EXIF tags {sorted(ex)}")
        if ex.get_ifd(EXIF_GPS_IFD):
            found.append("GPS IFD")
    for needle in (b"Exif\0\0", b"http://ns.adobe.com/xap", b"<x:xmpmeta", b"SERIAL-123456", b"<script"):
        if needle in data:
            found.append(f"bytes {needle!r}")
    return found
