"""The fake's knowledge of the real models: which exist, what they accept, and how they spend tokens.

Each route of the fake runs its request through a list of rules (``GEMINI_RULES``,
``IMAGES_GENERATE_RULES``, ``IMAGES_EDIT_RULES``, ``CHAT_RULES``); a rule returns the ``Reply`` the
real API sends for a request it refuses, or None. Add a rule to the list to teach the fake a new
refusal. Sources as in ``provider_shapes`` (``rw §N`` = provider-realworld.md, ``pr §N`` =
providers.md). Numbers the reference does not give are marked ``estimate``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image

from tests.fakes import provider_shapes as shapes
from tests.fakes.provider_reply import Reply

# --------------------------------------------------------------------------- Gemini models


@dataclass(frozen=True)
class GeminiModel:
    thinking: str | None  # "level" (3.x), "budget" (2.5), None (no thinking)
    budget_range: tuple[int, int] = (0, 24576)
    levels: frozenset[str] = frozenset({"MINIMAL", "LOW", "MEDIUM", "HIGH"})
    image: str | None = None  # the output-size column of rw §4 ("2.5", "3", "3.1")
    cache_minimum: int = 4096  # implicit-cache minimum prompt (rw §5, 2026-06 docs snapshot)


# Current ids (pr §2.5, rw §3, rw §4). Retired -preview image ids answer 404 (pr §2.5).
GEMINI_MODELS: dict[str, GeminiModel] = {
    **{
        name: GeminiModel("level")
        for name in (
            "gemini-3.5-flash",
            "gemini-3.6-flash",
            "gemini-3.7-flash",
            "gemini-3.8-flash",
            "gemini-3.5-flash-lite",
            "gemini-3.1-flash-lite",
        )
    },
    # 3 Pro: low and high only, cannot be disabled (rw §3).
    "gemini-3-pro": GeminiModel("level", levels=frozenset({"LOW", "HIGH"})),
    "gemini-2.5-flash": GeminiModel("budget", (0, 24576), cache_minimum=2048),
    "gemini-2.5-pro": GeminiModel("budget", (128, 32768), cache_minimum=2048),
    "gemini-2.5-flash-lite": GeminiModel("budget", (512, 24576), cache_minimum=2048),
    "gemini-3.1-flash-image": GeminiModel("level", image="3.1"),
    "gemini-3.1-flash-lite-image": GeminiModel("level", image="3"),
    "gemini-3-pro-image": GeminiModel("level", image="3"),
    "gemini-2.5-flash-image": GeminiModel(None, image="2.5"),
}

# Reasoning tokens spent per setting. HIGH / dynamic: 3071, the reasoning LangChain reported for a
# real MAX_TOKENS answer (rw §3, langchain-ai/langchain-google#1020); the lower levels: estimate.
THINKING_SPEND = {"MINIMAL": 0, "LOW": 512, "MEDIUM": 1536, "HIGH": 3071, "XHIGH": 3071}
OPENAI_EFFORT_SPEND = {
    "none": 0,
    "minimal": 0,
    "low": 512,
    "medium": 1536,
    "high": 3071,
    "xhigh": 3071,
    "max": 3071,
}
DEFAULT_OUTPUT_CAP = 65536  # estimate: the cap when a request sets none

# Accepted aspect ratios (rw §4): the SDK docstring's eight plus 4:5 and 5:4 from the docs; 3.1
# flash image adds 1:4 4:1 1:8 8:1, refused by the others.
_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
_RATIOS_31 = (*_RATIOS, "1:4", "4:1", "1:8", "8:1")
# Output pixels per ratio, verbatim from the rw §4 table: 2.5-flash-image (ignores imageSize), and
# 3-pro-image at 1K / 2K / 4K; 3.1-flash-image matches 3-pro plus its extra ratios at 1K (measured).
_SIZES_25 = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184), "4:3": (1184, 864),
    "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344), "16:9": (1344, 768), "21:9": (1536, 672),
}  # fmt: skip
_SIZES_3_1K = {
    "1:1": (1024, 1024), "2:3": (848, 1264), "3:2": (1264, 848), "3:4": (896, 1200), "4:3": (1200, 896),
    "4:5": (928, 1152), "5:4": (1152, 928), "9:16": (768, 1376), "16:9": (1376, 768), "21:9": (1584, 672),
    "1:4": (512, 2064), "4:1": (2064, 512), "1:8": (352, 2928), "8:1": (2928, 352),
}  # fmt: skip
_SIZES_3_4K = {
    "1:1": (4096, 4096), "2:3": (3392, 5056), "3:2": (5056, 3392), "3:4": (3584, 4800),
    "4:3": (4800, 3584), "4:5": (3712, 4608), "5:4": (4608, 3712), "9:16": (3072, 5504),
    "16:9": (5504, 3072), "21:9": (6336, 2688),
}  # fmt: skip
# Output tokens per image (rw §4): 2.5 flash image 1290; 3 pro image 1120 at 1K/2K, 2000 at 4K.
# Input images: 258 (2.5) or 560 (3 pro) prompt tokens each.


def gemini_image_size(model: GeminiModel, aspect: str, size: str) -> tuple[int, int]:
    if model.image == "2.5":
        return _SIZES_25[aspect]
    if size == "4K" and aspect in _SIZES_3_4K:
        return _SIZES_3_4K[aspect]
    width, height = _SIZES_3_1K[aspect]
    if size == "2K":
        return width * 2, height * 2  # the 2K column is exactly twice the 1K one (rw §4)
    if size == "512":
        return width // 2, height // 2  # estimate: 3.1 flash's "512" as half of 1K
    if size == "4K":
        return width * 4, height * 4  # estimate: the extra ratios at 4K
    return width, height


def gemini_image_tokens(model: GeminiModel, size: str) -> int:
    if model.image == "2.5":
        return 1290
    return 2000 if size == "4K" else 1120


def gemini_input_image_tokens(model: GeminiModel) -> int:
    return 258 if model.image == "2.5" or model.thinking == "budget" else 560


def gemini_thinking_spend(model: GeminiModel, config: Mapping[str, Any]) -> int | None:
    """Reasoning tokens the model spends, or None when thinking is off (then usage has no
    ``thoughtsTokenCount`` key: rw §3)."""
    if model.thinking is None:
        return None
    thinking = _field(config, "thinkingConfig") or {}
    level = _field(thinking, "thinkingLevel")
    budget = _field(thinking, "thinkingBudget")
    if level is not None:
        return THINKING_SPEND[str(level).upper()]
    if budget is not None and int(budget) >= 0:
        return None if int(budget) == 0 else min(int(budget), THINKING_SPEND["HIGH"])
    return THINKING_SPEND["HIGH"]  # the default: dynamic (2.5) or high (3.x)


# --------------------------------------------------------------------------- Gemini rules

GeminiRule = Callable[[str, str, GeminiModel | None, dict[str, Any]], Reply | None]

# Fields the API knows (SDK ``GenerateContentConfig`` on the wire, camelCase; snake_case accepted):
# anything else is "Unknown name" (rw §2). Only the fields this project could send are listed.
_TOP_FIELDS = {
    "contents", "systemInstruction", "generationConfig", "safetySettings", "tools", "toolConfig",
    "cachedContent", "labels",
}  # fmt: skip
_CONFIG_FIELDS = {
    "temperature", "topP", "topK", "candidateCount", "maxOutputTokens", "stopSequences",
    "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "thinkingConfig",
    "imageConfig", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
    "mediaResolution", "speechConfig",
}  # fmt: skip
_IMAGE_MIME = {"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"}


def _known_model(name: str, version: str, model: GeminiModel | None, body: dict[str, Any]) -> Reply | None:
    return shapes.gemini_model_not_found_404(name, version) if model is None else None


def _known_fields(name: str, version: str, model: GeminiModel | None, body: dict[str, Any]) -> Reply | None:
    for key in body:
        if _camel(key) not in _TOP_FIELDS:
            return shapes.gemini_unknown_field_400(key, None)
    config = _field(body, "generationConfig") or {}
    for key in config:
        if _camel(key) not in _CONFIG_FIELDS:
            return shapes.gemini_unknown_field_400(key, "generation_config")
    return None


def _thinking_rules(name: str, version: str, model: GeminiModel | None, body: dict[str, Any]) -> Reply | None:
    """rw §2 table and §3: each refusal with the API's own message where the reference has it."""
    assert model is not None
    thinking = _field(_field(body, "generationConfig") or {}, "thinkingConfig")
    if not isinstance(thinking, dict):
        return None
    level = _field(thinking, "thinkingLevel")
    budget = _field(thinking, "thinkingBudget")
    if level is not None and budget is not None:
        # Refused (rw §3); wording illustrative.
        return shapes.gemini_invalid_argument_400("Thinking level and thinking budget cannot both be set.")
    if level is not None:
        if model.thinking != "level":
            return shapes.gemini_invalid_argument_400("Thinking level is not supported for this model.")
        if str(level).upper() not in model.levels:
            return shapes.gemini_invalid_argument_400(
                f"Thinking level {str(level).upper()} is not supported for this model. "
                "Please retry with other thinking level."
            )
    if budget is not None:
        budget = int(budget)
        if budget == 0 and (model.thinking == "level" or name.startswith("gemini-2.5-pro")):
            return shapes.gemini_invalid_argument_400(
                "Budget 0 is invalid. This model only works in thinking mode."
            )
        low, high = model.budget_range
        if budget not in (0, -1) and not low <= budget <= high:
            return shapes.gemini_invalid_argument_400(f"The thinking budget ({budget}) is invalid.")
    return None


def _image_config_rules(
    name: str, version: str, model: GeminiModel | None, body: dict[str, Any]
) -> Reply | None:
    assert model is not None
    image_config = _field(_field(body, "generationConfig") or {}, "imageConfig")
    if not isinstance(image_config, dict):
        return None
    aspect = _field(image_config, "aspectRatio")
    allowed = _RATIOS_31 if model.image == "3.1" else _RATIOS
    if aspect is not None and aspect not in allowed:
        # [REAL rw §2, liliMozi/openhanako#2160] the 2026 bad-enum wording.
        return shapes.gemini_invalid_argument_400(
            "Invalid value at 'generation_config.response_format.image.aspect_ratio' "
            f"(type.googleapis.com/google.ai.generativelanguage.{version}.ImageResponseFormat.AspectRatio), "
            f'"{aspect}"'
        )
    size = _field(image_config, "imageSize")
    sizes = {"1K", "2K", "4K", "512"} if model.image == "3.1" else {"1K", "2K", "4K"}
    if size is not None and size not in sizes:  # upper-case K only (rw §4); wording as the enum error
        return shapes.gemini_invalid_argument_400(
            f"Invalid value at 'generation_config.response_format.image.image_size', \"{size}\""
        )
    return None


def _inline_images(name: str, version: str, model: GeminiModel | None, body: dict[str, Any]) -> Reply | None:
    """[REAL rw §2]: an unaccepted MIME type, and an image that cannot be decoded."""
    from tests.fakes.provider_server import decode_b64

    for content in _field(body, "contents") or []:
        for part in content.get("parts") or []:
            inline = _field(part, "inlineData") if isinstance(part, dict) else None
            if not isinstance(inline, dict):
                continue
            mime = str(_field(inline, "mimeType"))
            if mime not in _IMAGE_MIME:
                return shapes.gemini_invalid_argument_400(f"Unsupported MIME type: {mime}")
            try:
                with Image.open(io.BytesIO(decode_b64(str(inline.get("data", ""))))) as image:
                    image.verify()
            except Exception:
                return shapes.gemini_invalid_argument_400(
                    "Unable to process input image. Please retry or report in "
                    "https://developers.generativeai.google/guide/troubleshooting"
                )
    return None


GEMINI_RULES: list[GeminiRule] = [
    _known_model,
    _known_fields,
    _thinking_rules,
    _image_config_rules,
    _inline_images,
]


# --------------------------------------------------------------------------- OpenAI models

# Images API models (pr §3.2, rw §7). Fixed sizes for the 1.x generation; any WxH within the rules
# for gpt-image-2 and later. gpt-image-1 and DALL·E are shut down (pr §3.2): unknown here.
_FIXED_SIZE_IMAGE_MODELS = ("gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest")
_FIXED_SIZES = ("1024x1024", "1024x1536", "1536x1024", "auto")
_FREE_SIZE_IMAGE_MODEL = re.compile(
    r"^gpt-image-(2|2\.5-(sunburst|flare)|2\.6-(sunburst|flare))(-\d{4}-\d{2}-\d{2})?$"
)
# gpt-image-2+ sizes (rw §7, Azure docs): multiples of 16, ratio 1:3..3:1, 3840x2160 at most,
# 655,360..8,294,400 pixels.
MIN_PIXELS, MAX_PIXELS, MAX_LONG, MAX_SHORT = 655_360, 8_294_400, 3840, 2160
# Output tokens per image at 1024x1024 (rw §7 tables): gpt-image-1 family and gpt-image-2; other
# sizes scale with the pixel count (estimate).
_IMAGE_TOKENS_1024 = {
    "1": {"low": 272, "medium": 1056, "high": 4160},
    "2": {"low": 196, "medium": 1756, "high": 7024},
}


def openai_image_model_known(model: str) -> bool:
    return model in _FIXED_SIZE_IMAGE_MODELS or _FREE_SIZE_IMAGE_MODEL.match(model) is not None


def openai_image_tokens(model: str, size: tuple[int, int], quality: str) -> int:
    table = _IMAGE_TOKENS_1024["1" if model in _FIXED_SIZE_IMAGE_MODELS else "2"]
    per_1024 = table.get(quality, table["medium"])
    return max(1, round(per_1024 * size[0] * size[1] / (1024 * 1024)))


def _image_model_and_size(params: Mapping[str, Any]) -> Reply | None:
    model = str(params.get("model") or "")
    if not openai_image_model_known(model):
        return shapes.openai_model_not_found_404(model)
    size = str(params.get("size") or "auto")
    if model in _FIXED_SIZE_IMAGE_MODELS:
        return None if size in _FIXED_SIZES else shapes.openai_invalid_size_400(size, _FIXED_SIZES)
    if size == "auto":
        return None
    match = re.fullmatch(r"(\d+)x(\d+)", size)
    if match is None:
        return shapes.openai_invalid_value_400(
            "size", f"Invalid value: '{size}'. Expected WIDTHxHEIGHT or 'auto'."
        )
    width, height = int(match[1]), int(match[2])
    long, short = max(width, height), min(width, height)
    if width % 16 or height % 16:
        return shapes.openai_invalid_value_400(
            "size", f"Invalid size '{size}': both sides must be multiples of 16."
        )
    if long > 3 * short:
        return shapes.openai_invalid_value_400(
            "size", f"Invalid size '{size}': the aspect ratio must be between 1:3 and 3:1."
        )
    if long > MAX_LONG or short > MAX_SHORT or not MIN_PIXELS <= width * height <= MAX_PIXELS:
        return shapes.openai_invalid_value_400(
            "size",
            f"Invalid size '{size}': the image must have between {MIN_PIXELS} and {MAX_PIXELS} pixels, "
            "at most 3840x2160.",
        )
    return None


def _image_count(params: Mapping[str, Any]) -> Reply | None:
    n = int(params.get("n") or 1)
    if not 1 <= n <= 10:  # rw §7: n 1–10; wording illustrative
        return shapes.openai_invalid_value_400("n", f"Invalid value: {n}. n must be between 1 and 10.")
    return None


ImagesRule = Callable[[Mapping[str, Any], list[Any]], Reply | None]


def _generate_params(params: Mapping[str, Any], files: list[Any]) -> Reply | None:
    return _image_model_and_size(params) or _image_count(params)


def _edit_files(params: Mapping[str, Any], files: list[Any]) -> Reply | None:
    """rw §7 Edits: 1–16 images; a mask must be a PNG of the first image's exact size."""
    sources = [f for f in files if f.field in ("image", "image[]")]
    if len(sources) > 16:
        return shapes.openai_invalid_value_400("image", "Too many images: at most 16 may be edited at once.")
    sizes = []
    for index, source in enumerate(sources, start=1):
        try:
            with Image.open(io.BytesIO(source.data)) as image:
                sizes.append(image.size)
        except OSError:
            return Reply(
                status=400,
                body={
                    "error": {
                        "message": f"Invalid image file or mode for image {index}.",  # wording illustrative
                        "type": "invalid_request_error",
                        "param": "image",
                        "code": "invalid_image",
                    }
                },
            )
    mask = next((f for f in files if f.field == "mask"), None)
    if mask is not None and sizes:
        try:
            with Image.open(io.BytesIO(mask.data)) as image:
                mask_format, mask_size = image.format, image.size
        except OSError:
            mask_format, mask_size = None, None
        if mask_format != "PNG":
            return shapes.openai_invalid_value_400("mask", "Invalid mask: the mask must be a PNG image.")
        if mask_size != sizes[0]:
            return shapes.openai_invalid_value_400(
                "mask",
                f"Invalid mask: the mask is {mask_size[0]}x{mask_size[1]} but the image is "  # type: ignore[index]
                f"{sizes[0][0]}x{sizes[0][1]}; they must have the same dimensions.",
            )
    return None


IMAGES_GENERATE_RULES: list[ImagesRule] = [_generate_params]
IMAGES_EDIT_RULES: list[ImagesRule] = [_generate_params, _edit_files]


# --------------------------------------------------------------------------- OpenAI chat

_REASONING_MODEL = re.compile(r"^(gpt-5|o1|o3|o4)")
_CHAT_MODEL = re.compile(r"^(gpt-|o\d|chatgpt-)")
_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
# 'none' is refused by the first gpt-5 models (rw §6, "does not support 'none' with this model").
_NO_NONE = ("gpt-5", "gpt-5-mini", "gpt-5-nano")

ChatRule = Callable[[Mapping[str, Any]], Reply | None]


def is_reasoning_model(model: str) -> bool:
    return _REASONING_MODEL.match(model) is not None


def _chat_model(body: Mapping[str, Any]) -> Reply | None:
    model = str(body.get("model") or "")
    if _CHAT_MODEL.match(model) is None or model.startswith("gpt-image"):
        return shapes.openai_model_not_found_404(model)
    return None


def _reasoning_params(body: Mapping[str, Any]) -> Reply | None:
    """rw §8: reasoning models refuse ``max_tokens`` and a non-default temperature, and take only
    the efforts they support."""
    model = str(body.get("model") or "")
    if not is_reasoning_model(model):
        return None
    if "max_tokens" in body:
        return shapes.openai_unsupported_parameter_400("max_tokens", "max_completion_tokens")
    temperature = body.get("temperature")
    if temperature is not None and float(temperature) != 1:
        return shapes.openai_unsupported_value_400("temperature", temperature, only_default=1)
    effort = body.get("reasoning_effort")
    if effort is not None and (effort not in _EFFORTS or (effort == "none" and model in _NO_NONE)):
        return shapes.openai_unsupported_value_400("reasoning_effort", effort)
    return None


CHAT_RULES: list[ChatRule] = [_chat_model, _reasoning_params]


def openai_reasoning_spend(body: Mapping[str, Any]) -> int:
    if not is_reasoning_model(str(body.get("model") or "")):
        return 0
    return OPENAI_EFFORT_SPEND[str(body.get("reasoning_effort") or "medium")]  # medium: the default


# --------------------------------------------------------------------------- helpers


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _field(obj: Any, camel: str) -> Any:
    if not isinstance(obj, Mapping):
        return None
    return obj[camel] if camel in obj else obj.get(_snake(camel))
