// Generate: a room from a prompt, a style and a room type (POST /image/generate), now or as a job.

import { api, asProblem, randomId } from "./api.js";
import { catalog, fillSelect, styleById } from "./catalog.js";
import { contextFields } from "./context.js";
import { $, figureFor, h, setBusy, showProblem, textAttrs } from "./dom.js";
import { on } from "./events.js";
import { getLang, t } from "./i18n.js";
import { jobNotice, watchJob } from "./jobs.js";
import { swatchList } from "./plan.js";
import { stylePicker } from "./stylepicker.js";

const generated = []; // newest first: [{images, prompt, provider, model}]

function fillSelects() {
  fillSelect($("gen-style"), catalog.styles, "any_style");
  fillSelect($("gen-room"), catalog.room_types, "any_room");
  renderStylePreview();
}

function renderStylePreview() {
  const box = $("gen-style-preview");
  const style = styleById($("gen-style").value);
  box.replaceChildren();
  if (!style) return;
  const description =
    getLang() === "ar"
      ? style.description_ar || style.description
      : style.description_en || style.description;
  if (description) box.append(h("p", { class: "style-desc", ...textAttrs(description) }, description));
  if (Array.isArray(style.palette) && style.palette.length) box.append(swatchList(style.palette));
}

function renderGenerated() {
  const box = $("gen-results");
  box.replaceChildren();
  if (!generated.length) {
    box.append(h("p", { class: "empty" }, t("gen_empty")));
    $("gen-meta").textContent = "";
    return;
  }
  for (const batch of generated) {
    for (const view of batch.images)
      box.append(figureFor(view, { alt: t("image_alt", { prompt: batch.prompt }) }));
  }
  const last = generated[0];
  $("gen-meta").textContent = [last.provider, last.model].filter(Boolean).join(" · ");
}

function generateBody() {
  const body = {
    prompt: $("gen-prompt").value.trim(),
    size: $("gen-size").value,
    n: Number($("gen-n").value) || 1,
    output_format: $("gen-format").value,
  };
  if ($("gen-style").value) body.style = $("gen-style").value;
  if ($("gen-room").value) body.room_type = $("gen-room").value;
  Object.assign(body, contextFields());
  const seed = $("gen-seed").value.trim();
  if (seed !== "" && Number.isInteger(Number(seed))) body.seed = Number(seed);
  return body;
}

async function generate(asJob) {
  showProblem("gen-problem", null);
  $("gen-notice").hidden = true;
  const body = generateBody();
  if (!body.prompt) {
    showProblem("gen-problem", { title: t("need_prompt") });
    $("gen-prompt").focus();
    return;
  }
  const button = asJob ? $("gen-job") : $("gen-submit");
  setBusy(button, true, asJob ? null : "generating");
  const headers = { "Idempotency-Key": randomId() };
  if (asJob) headers.Prefer = "respond-async";
  try {
    const response = await api("image/generate", { method: "POST", json: body, headers });
    if (response.status === 202) {
      const job = watchJob(response.data, {
        origin: "generate",
        kind: "generate",
        location: response.headers.get("Location"),
        prompt: body.prompt,
      });
      jobNotice("gen-notice", job);
      return;
    }
    const data = response.data || {};
    let images = Array.isArray(data.images) ? data.images : [];
    if (!images.length && data.image_data) {
      images = [
        {
          id: null,
          url: `data:image/${data.format || "png"};base64,${data.image_data}`,
          format: data.format,
          provider: data.provider,
        },
      ];
    }
    generated.unshift({ images, prompt: body.prompt, provider: data.provider, model: data.model });
    renderGenerated();
  } catch (error) {
    showProblem("gen-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

export function initGenerate() {
  $("gen-form").addEventListener("submit", (event) => {
    event.preventDefault();
    generate(false);
  });
  $("gen-job").addEventListener("click", () => generate(true));
  $("gen-style").addEventListener("change", renderStylePreview);
  stylePicker($("gen-style"), $("gen-style-picker"), "any_style");
}

on("catalog", () => {
  if (catalog.error) showProblem("gen-problem", catalog.error);
  fillSelects();
});
on("lang", () => {
  fillSelects();
  renderGenerated();
});
on("job-done", (job) => {
  if (job.kind !== "generate" && job.origin !== "generate") return;
  generated.unshift({
    images: job.images,
    prompt: job.prompt || "",
    provider: job.images[0]?.provider,
    model: job.images[0]?.model,
  });
  renderGenerated();
});
on("forget", () => {
  generated.length = 0;
});
// "Generate for this room" on a project page: the room's type is chosen for the prompt.
on("generate-for", ({ room_type }) => {
  if ([...$("gen-room").options].some((o) => o.value === room_type)) $("gen-room").value = room_type;
  $("gen-prompt").focus();
});
