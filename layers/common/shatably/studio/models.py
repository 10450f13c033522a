"""Request and response models of /image/generate and /edit/ (also the payloads of jobs and events)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shatably.providers.base import OutputFormat
from shatably.storage.media import ImageRef, ImageView
from shatably.studio.colors import ColorReport, Sheen, sheen_of

# Sizes every provider we use can produce (multiples of 16, within 1:3..3:1); reliability.md T12.
ASPECT_SIZES: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "3:2": (1536, 1024),
    "2:3": (1024, 1536),
    "4:3": (1152, 864),
    "3:4": (864, 1152),
    "16:9": (1536, 864),
    "9:16": (864, 1536),
}
SIZES = {f"{w}x{h}" for w, h in ASPECT_SIZES.values()}
# What a result's longest side becomes at each resolution; the aspect ratio is the source's
# (edits) or the requested one (generation). Which models can make which: studio/resolution.py.
Resolution = Literal["1k", "2k", "4k"]
RESOLUTION_LONG_SIDE: dict[str, int] = {"1k": 1024, "2k": 2048, "4k": 4096}
Operation = Literal[
    "restyle", "repaint", "declutter", "stage", "swap_material", "finish", "empty", "reference", "render"
]
OPERATIONS: tuple[str, ...] = get_args(Operation)
Region = Literal[
    "walls", "floor", "ceiling", "furniture", "windows", "doors", "decor", "lighting", "cabinets"
]
Prompt = Annotated[str, Field(min_length=1, max_length=4000)]


class GenerateInput(BaseModel):
    """Text to interior images. Only ``prompt`` is required (the v1 contract)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    prompt: Prompt
    style: str | None = Field(default=None, description="A style id from GET /styles")
    room_type: str | None = Field(default=None, description="A room type id from GET /styles")
    size: str | None = Field(
        default=None,
        description=f"One of {sorted(SIZES)}",
        json_schema_extra={"enum": [*sorted(SIZES), None]},
    )
    aspect_ratio: str | None = Field(
        default=None,
        description=f"One of {list(ASPECT_SIZES)}",
        json_schema_extra={"enum": [*ASPECT_SIZES, None]},
    )
    n: int = Field(default=1, ge=1, le=4)
    resolution: Resolution | None = Field(
        default=None, description="Longest side 1024/2048/4096 px at the aspect ratio; not with size"
    )
    output_format: OutputFormat = "png"
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    run_async: bool = Field(default=False, alias="async", description="Run as a job (202 + Location)")

    @model_validator(mode="after")
    def _size_or_resolution(self) -> GenerateInput:
        if self.size and self.resolution:
            raise ValueError("give size or resolution, not both")
        return self

    @field_validator("size")
    @classmethod
    def _known_size(cls, value: str | None) -> str | None:
        if value is not None and value not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}")
        return value

    @field_validator("aspect_ratio")
    @classmethod
    def _known_aspect(cls, value: str | None) -> str | None:
        if value is not None and value not in ASPECT_SIZES:
            raise ValueError(f"aspect_ratio must be one of {list(ASPECT_SIZES)}")
        return value

    def dimensions(self) -> tuple[int, int]:
        if self.size:
            given_width, given_height = self.size.split("x")
            return int(given_width), int(given_height)
        width, height = ASPECT_SIZES[self.aspect_ratio or "1:1"]
        if self.resolution:
            return scaled(width, height, self.resolution, multiple=16)
        return width, height


def scaled(width: int, height: int, resolution: str, *, multiple: int = 1) -> tuple[int, int]:
    """``width`` x ``height`` scaled so the longest side is the resolution's, same aspect ratio."""
    factor = RESOLUTION_LONG_SIDE[resolution] / max(width, height)
    return (
        max(multiple, round(width * factor / multiple) * multiple),
        max(multiple, round(height * factor / multiple) * multiple),
    )


class Preserve(BaseModel):
    """What an edit must keep. Everything is kept unless the caller frees it."""

    walls: bool = True
    windows: bool = True
    doors: bool = True
    floor: bool = True
    ceiling: bool = True
    layout: bool = True
    camera: bool = True


class EditInput(BaseModel):
    """One edit of a photo (or, for ``render``, a sketch or 3D screenshot). Operations and what
    each keeps: ``shatably/studio/prompts.py``."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    prompt: Prompt = Field(description="What to change, in the user's words (Arabic or English)")
    image: ImageRef
    operation: Operation = "restyle"
    style: str | None = Field(default=None, description="A style id from GET /styles")
    room_type: str | None = Field(
        default=None, description="A room type id from GET /styles (stage, finish; exteriors)"
    )
    grade: str | None = Field(default=None, description="For finish: a grade id from GET /styles")
    reference: ImageRef | None = Field(
        default=None, description="For reference: the inspiration photo whose style the room takes"
    )
    color: str | None = Field(
        default=None,
        max_length=80,
        description='A hex code or a colour name in English or Arabic ("light gray", "بيج فاتح", "رصاصي")',
    )
    sheen: Sheen | None = Field(default=None, description="matte | satin | gloss (also مط، ساتان، لامع)")
    material: str | None = Field(default=None, max_length=200, description="For swap_material")
    regions: list[Region] = Field(default_factory=list, description="Named regions that may change")
    mask: ImageRef | None = Field(default=None, description="PNG, transparent where edits are allowed")
    preserve: Preserve = Field(default_factory=Preserve)
    n: int = Field(default=1, ge=1, le=4, description="How many variations")
    resolution: Resolution | None = Field(
        default=None, description="Longest side 1024/2048/4096 px at the source's aspect ratio"
    )
    output_format: OutputFormat = "png"
    run_async: bool = Field(default=False, alias="async")

    @field_validator("sheen", mode="before")
    @classmethod
    def _sheen_words(cls, value: object) -> object:
        # "لامع", "Satin ", "نص لمعة": the words people use, in either language.
        return sheen_of(value) or value if isinstance(value, str) else value

    @model_validator(mode="after")
    def _operation_needs(self) -> EditInput:
        if self.operation == "swap_material" and not (self.material or self.regions):
            raise ValueError("swap_material needs a material or the regions to change")
        if self.operation == "reference" and self.reference is None:
            raise ValueError("reference needs the inspiration photo as reference")
        if self.reference is not None and self.operation != "reference":
            raise ValueError("a reference photo is only used by the reference operation")
        if self.grade is not None and self.operation != "finish":
            raise ValueError("grade is only used by the finish operation")
        return self


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0


class StudioOutcome(BaseModel):
    """The small, storable result of a generation or an edit (idempotency records, jobs)."""

    kind: Literal["generate", "edit"]
    image_ids: list[str]
    provider: str
    model: str
    usage: Usage = Field(default_factory=Usage)
    source_id: str | None = None
    message: str | None = None
    color: ColorReport | None = None


class GenerateResponse(BaseModel):
    image_data: str | None = Field(description="Base64 of the first image (v1 contract)")
    format: OutputFormat = Field(description="A real image subtype: data:image/{format};base64,...")
    images: list[ImageView]
    provider: str
    model: str
    usage: Usage


class EditResponse(BaseModel):
    success: bool = True
    edited_image: str | None = Field(description="Base64 of the (first) result (v1 contract)")
    message: str
    format: OutputFormat
    image: ImageView = Field(description="The (first) result; its parent_id is the source")
    images: list[ImageView] = Field(description="Every variation (n), the first being image")
    source: ImageView
    operation: Operation
    color: ColorReport | None = Field(
        default=None, description="The colour as given and as resolved (null hex: sent verbatim)"
    )
    provider: str
    model: str
    usage: Usage


class JobAccepted(BaseModel):
    job_id: str
    status: str
    location: str


class JobView(BaseModel):
    job_id: str
    kind: str
    status: str
    created_at: int
    updated_at: int
    images: list[ImageView] = []
    error: dict[str, Any] | None = None
