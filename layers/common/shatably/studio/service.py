"""Generate and edit: one path for HTTP requests, jobs, events and the designer's drawing tool.

The public entry points (what chat's designer calls too):

- ``generate(media, owner, GenerateInput, deadline, *, job_id=None, session_id=None) -> StudioResult``
- ``edit(media, owner, EditInput, source: LoadedImage, deadline, *, mask_bytes=None,
  reference=None, job_id=None, session_id=None) -> StudioResult``

``EditInput.operation`` is one of restyle, repaint, declutter, stage, swap_material, finish, empty,
reference, render (templates in ``studio/prompts.py``). Both raise ``ProblemError`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shatably.catalog import check_style_suits, get_grade, get_room_type, get_style
from shatably.errors import ProblemError
from shatably.observability import count
from shatably.providers.base import EditRequest, GenerateRequest, ImageEditor, ImageGenerator, ImageInput
from shatably.providers.registry import image_editor, image_generator
from shatably.storage.media import LoadedImage, MediaStore, decode_base64
from shatably.storage.models import ImageRecord
from shatably.studio.colors import resolve_color
from shatably.studio.models import EditInput, GenerateInput, StudioOutcome, Usage, scaled
from shatably.studio.prompts import edit_instruction, generation_prompt
from shatably.studio.resolution import check_resolution
from shatably.web.deps import Deadline

if TYPE_CHECKING:
    from PIL import Image


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
    """Text to ``request.n`` interior (or exterior) images, stored and counted."""
    style = get_style(request.style) if request.style else None
    if request.room_type:
        room = get_room_type(request.room_type)  # unknown ids are the caller's mistake: 422 before any spend
        if style:
            check_style_suits(style, room)
    provider = image_generator()
    check_resolution(request.resolution, provider.name, _image_model(provider))
    from shatably.images import normalise_result  # not at import: the job-status route never needs Pillow

    width, height = request.dimensions()
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


def _image_model(provider: ImageGenerator | ImageEditor) -> str:
    # Adapters that also chat keep their image model apart from ``model`` (the chat model).
    return str(getattr(provider, "image_model", provider.model))


def result_size(source_width: int, source_height: int, resolution: str | None) -> tuple[int, int]:
    """An edit's output size: the source's, or scaled to the resolution; always the source's aspect."""
    if resolution is None:
        return source_width, source_height
    return scaled(source_width, source_height, resolution)


def _check_edit(request: EditInput) -> None:
    """Every catalogue id the edit names exists and fits together: 422 before anything is spent."""
    style = get_style(request.style) if request.style else None
    if request.grade:
        get_grade(request.grade)
    if request.room_type:
        room = get_room_type(request.room_type)
        if style:
            check_style_suits(style, room)


async def edit(
    media: MediaStore,
    owner: str,
    request: EditInput,
    source: LoadedImage,
    deadline: Deadline,
    *,
    mask_bytes: bytes | None = None,
    reference: LoadedImage | None = None,
    job_id: str | None = None,
    session_id: str | None = None,
) -> StudioResult:
    """Edit ``source`` as ``request`` says: ``request.n`` results at the source's aspect ratio, each
    stored with the source as its parent and the operation that made it (``GET /images/{id}``).

    ``mask_bytes`` and ``reference`` are the multipart upload's files; otherwise the request's
    ``mask`` and ``reference`` references are resolved here (HTTP JSON, jobs, the designer).
    """
    _check_edit(request)
    provider = image_editor()
    check_resolution(request.resolution, provider.name, _image_model(provider))
    from shatably.images import normalise_result, prepare_mask

    style = get_style(request.style) if request.style else None
    colour = resolve_color(request.color, request.sheen) if request.color else None
    width, height = result_size(source.record.width, source.record.height, request.resolution)
    mask = guide = None
    finish: Callable[[Image.Image], Image.Image] | None = None
    if mask_bytes is None and request.mask is not None:
        mask_bytes = _mask_bytes(media, owner, request)
    if mask_bytes is not None:
        from shatably.studio import masking

        # At the size the provider is sent the photo: OpenAI wants a mask of the image's exact size.
        mask_png = prepare_mask(mask_bytes, source.prepared.width, source.prepared.height)
        mask = ImageInput(data=mask_png, mime_type="image/png")
        guide = ImageInput(data=masking.guide_image(source.prepared.data, mask_png), mime_type="image/jpeg")
        # The pixels kept outside the mask are the stored image's own, at full size when the
        # provider was sent a smaller copy (an earlier 2k/4k result edited again).
        same_size = (source.prepared.width, source.prepared.height) == (width, height)
        original = source.prepared.data if same_size else media.image_bytes(source.record)
        finish = masking.keep_outside(original, mask_png)
    if reference is None and request.reference is not None:
        reference = media.resolve(owner, request.reference, session_id=session_id)
    instruction = edit_instruction(
        request.prompt,
        operation=request.operation,
        style_id=request.style,
        colour=colour,
        material=request.material,
        regions=request.regions,
        preserve=request.preserve.model_dump(),
        has_mask=mask is not None,
        room_type_id=request.room_type,
        grade_id=request.grade,
    )
    palette: tuple[str, ...] = (colour.resolved_hex,) if colour and colour.resolved_hex else ()
    if style and not palette:
        palette = tuple(s.hex for s in style.palette)
    result = await provider.edit(
        EditRequest(
            image=source.prepared.as_input(),
            instruction=instruction,
            width=width,
            height=height,
            timeout=_check_deadline(deadline),
            mask=mask,
            guide=guide,
            output_format=request.output_format,
            operation=request.operation,
            palette=palette,
            n=request.n,
            reference=reference.prepared.as_input() if reference else None,
        )
    )
    if not result.images:
        raise ProblemError("upstream_empty_response")
    records: list[ImageRecord] = []
    first = b""
    for produced in result.images[: request.n]:
        # Results come back at the source's aspect ratio (and size), so before/after views line up.
        # Outside a mask the source's own pixels go back, whatever the model drew there.
        encoded = normalise_result(produced.data, request.output_format, size=(width, height), finish=finish)
        first = first or encoded.data
        records.append(
            media.save_result(
                owner,
                encoded,
                operation=request.operation,
                parent_id=source.record.image_id,
                reference_id=reference.record.image_id if reference else None,
                provider=result.provider,
                model=result.model,
                session_id=session_id,
                job_id=job_id,
            )
        )
    count("ImagesEdited", len(records), provider=result.provider, operation=request.operation)
    outcome = StudioOutcome(
        kind="edit",
        image_ids=[r.image_id for r in records],
        provider=result.provider,
        model=result.model,
        usage=Usage(**result.usage.as_dict()),
        source_id=source.record.image_id,
        message=result.text,
        color=colour,
    )
    return StudioResult(outcome=outcome, records=records, first_image=first, source=source.record)


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
