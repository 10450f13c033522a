"""Generate and edit: one path for HTTP requests, jobs, events and the designer's drawing tool."""

from __future__ import annotations

from dataclasses import dataclass

from shatably.catalog import get_room_type, get_style
from shatably.errors import ProblemError
from shatably.observability import count
from shatably.providers.base import EditRequest, GenerateRequest, ImageInput
from shatably.providers.registry import image_editor, image_generator
from shatably.storage.media import LoadedImage, MediaStore, decode_base64
from shatably.storage.models import ImageRecord
from shatably.studio.colors import to_hex
from shatably.studio.models import EditInput, GenerateInput, StudioOutcome, Usage
from shatably.studio.prompts import edit_instruction, generation_prompt
from shatably.web.deps import Deadline


@dataclass
class StudioResult:
    outcome: StudioOutcome
    records: list[ImageRecord]
    first_image: bytes  # the first result's bytes, for the inline v1 fields
    source: ImageRecord | None = None  # what an edit started from


def _check_deadline(deadline: Deadline) -> float:
    remaining = deadline.remaining()
    if remaining <= 1.0:
        raise ProblemError("upstream_timeout", detail="There was no time left to call the image model.")
    return remaining


async def generate(
    media: MediaStore,
    owner: str,
    request: GenerateInput,
    deadline: Deadline,
    *,
    job_id: str | None = None,
    session_id: str | None = None,
) -> StudioResult:
    style = get_style(request.style) if request.style else None
    if request.room_type:
        get_room_type(request.room_type)  # unknown ids are the caller's mistake: 422 before any spend
    from shatably.images import normalise_result  # not at import: the job-status route never needs Pillow

    width, height = request.dimensions()
    provider = image_generator()
    result = await provider.generate(
        GenerateRequest(
            prompt=generation_prompt(request.prompt, request.style, request.room_type),
            width=width,
            height=height,
            timeout=_check_deadline(deadline),
            n=request.n,
            output_format=request.output_format,
            seed=request.seed,
            style_name=style.name_en if style else None,
            palette=tuple(s.hex for s in style.palette) if style else (),
        )
    )
    if not result.images:
        raise ProblemError("upstream_empty_response")
    records: list[ImageRecord] = []
    first = b""
    for generated in result.images[: request.n]:
        # Provider output is untrusted bytes too: decoded within limits and re-encoded, at the size
        # asked for (models answer at their own nearest sizes, and a later masked edit needs it).
        encoded = normalise_result(generated.data, request.output_format, size=(width, height))
        first = first or encoded.data
        records.append(
            media.save_result(
                owner,
                encoded,
                operation="generate",
                parent_id=None,
                provider=result.provider,
                model=result.model,
                session_id=session_id,
                job_id=job_id,
            )
        )
    count("ImagesGenerated", len(records), provider=result.provider)
    outcome = StudioOutcome(
        kind="generate",
        image_ids=[r.image_id for r in records],
        provider=result.provider,
        model=result.model,
        usage=Usage(**result.usage.as_dict()),
        message=result.text,
    )
    return StudioResult(outcome=outcome, records=records, first_image=first)


async def edit(
    media: MediaStore,
    owner: str,
    request: EditInput,
    source: LoadedImage,
    deadline: Deadline,
    *,
    mask_bytes: bytes | None = None,
    job_id: str | None = None,
    session_id: str | None = None,
) -> StudioResult:
    from shatably.images import normalise_result, prepare_mask

    style = get_style(request.style) if request.style else None
    # An unknown colour name gets no hex; it stays in the prompt for the model to read.
    colour_hex = to_hex(request.color) if request.color else None
    width, height = source.record.width, source.record.height
    mask = None
    if mask_bytes is None and request.mask is not None:
        mask_bytes = _mask_bytes(media, owner, request)
    if mask_bytes is not None:
        mask = ImageInput(data=prepare_mask(mask_bytes, width, height), mime_type="image/png")
    instruction = edit_instruction(
        request.prompt,
        operation=request.operation,
        style_id=request.style,
        colour_hex=colour_hex,
        material=request.material,
        regions=request.regions,
        preserve=request.preserve.model_dump(),
        has_mask=mask is not None,
    )
    palette: tuple[str, ...] = (colour_hex,) if colour_hex else ()
    if style and not palette:
        palette = tuple(s.hex for s in style.palette)
    provider = image_editor()
    result = await provider.edit(
        EditRequest(
            image=source.prepared.as_input(),
            instruction=instruction,
            width=width,
            height=height,
            timeout=_check_deadline(deadline),
            mask=mask,
            output_format=request.output_format,
            operation=request.operation,
            palette=palette,
        )
    )
    if not result.images:
        raise ProblemError("upstream_empty_response")
    # Results come back at the source's exact size, so before/after views line up.
    encoded = normalise_result(result.images[0].data, request.output_format, size=(width, height))
    record = media.save_result(
        owner,
        encoded,
        operation=request.operation,
        parent_id=source.record.image_id,
        provider=result.provider,
        model=result.model,
        session_id=session_id,
        job_id=job_id,
    )
    count("ImagesEdited", 1, provider=result.provider, operation=request.operation)
    outcome = StudioOutcome(
        kind="edit",
        image_ids=[record.image_id],
        provider=result.provider,
        model=result.model,
        usage=Usage(**result.usage.as_dict()),
        source_id=source.record.image_id,
        message=result.text,
    )
    return StudioResult(outcome=outcome, records=[record], first_image=encoded.data, source=source.record)


def _mask_bytes(media: MediaStore, owner: str, request: EditInput) -> bytes:
    ref = request.mask
    assert ref is not None
    if ref.data:
        return decode_base64(ref.data)
    if ref.image_id:
        return media.image_bytes(media.record(owner, ref.image_id))
    from shatably.settings import get_settings
    from shatably.storage.bucket import upload_key

    return media.bucket.get(
        upload_key(owner, ref.upload_id or ""),
        max_bytes=get_settings().max_image_bytes,
        missing="upload_not_found",
    )
