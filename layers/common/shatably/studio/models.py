"""Request and response models of /image/generate and /edit/ (also the payloads of jobs and events)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shatably.providers.base import OutputFormat
from shatably.storage.media import ImageRef, ImageView

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
Operation = Literal["restyle", "repaint", "declutter", "stage", "swap_material"]
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
    output_format: OutputFormat = "png"
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    project_id: str | None = Field(
        default=None, description="File the result under this project (GET /projects)"
    )
    room_id: str | None = Field(default=None, description="... and this room of it")
    run_async: bool = Field(default=False, alias="async", description="Run as a job (202 + Location)")

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
            width, height = self.size.split("x")
            return int(width), int(height)
        return ASPECT_SIZES[self.aspect_ratio or "1:1"]


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
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    prompt: Prompt = Field(description="What to change, in the user's words (Arabic or English)")
    image: ImageRef
    operation: Operation = "restyle"
    style: str | None = None
    color: str | None = Field(default=None, description="For repaint: a hex code or a colour name")
    material: str | None = Field(default=None, max_length=200, description="For swap_material")
    regions: list[Region] = Field(default_factory=list, description="Named regions that may change")
    mask: ImageRef | None = Field(default=None, description="PNG, transparent where edits are allowed")
    preserve: Preserve = Field(default_factory=Preserve)
    output_format: OutputFormat = "png"
    project_id: str | None = Field(
        default=None, description="File the result under this project (GET /projects)"
    )
    room_id: str | None = Field(default=None, description="... and this room of it")
    run_async: bool = Field(default=False, alias="async")

    @model_validator(mode="after")
    def _operation_needs(self) -> EditInput:
        if self.operation == "swap_material" and not (self.material or self.regions):
            raise ValueError("swap_material needs a material or the regions to change")
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


class GenerateResponse(BaseModel):
    image_data: str | None = Field(description="Base64 of the first image (v1 contract)")
    format: OutputFormat = Field(description="A real image subtype: data:image/{format};base64,...")
    images: list[ImageView]
    provider: str
    model: str
    usage: Usage


class EditResponse(BaseModel):
    success: bool = True
    edited_image: str | None = Field(description="Base64 of the result (v1 contract)")
    message: str
    format: OutputFormat
    image: ImageView
    source: ImageView
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
    project_id: str | None = None
    url: str | None = Field(default=None, description="export: a presigned link to the zip (expires)")
    counts: dict[str, int] | None = Field(default=None, description="erase: what was removed")
