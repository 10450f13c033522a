// Edit: change a photo of a room (POST /edit), compare before and after with a slider, and walk
// the chain of edits (GET /images/{id} gives an image's ancestors).

import { ApiProblem, INLINE_MAX_BYTES, api, asProblem, randomId, toImageRefs } from "./api.js";
import { catalog, fillSelect } from "./catalog.js";
import { contextFields } from "./context.js";
import { $, fmtBytes, h, imageCaption, imageEl, safeUrl, setBusy, shortId, showProblem } from "./dom.js";
import { on } from "./events.js";
import { jobNotice, watchJob } from "./jobs.js";
import { addStrings, hasText, t } from "./i18n.js";
import { stylePicker } from "./stylepicker.js";
import { selectTab } from "./tabs.js";

addStrings({
  en: {
    op_finish: "Finish a bare room",
    op_empty: "Empty the room",
    op_reference: "Style from a photo",
    op_render: "Sketch to photo",
    grade: "Grade",
    any_grade: "Usual grade",
    variations: "Variations",
    reference_photo: "Inspiration photo",
    choose_reference: "Choose an inspiration photo",
    no_reference: "No inspiration photo yet.",
    need_reference: "Choose the inspiration photo first.",
    reference_file: "Inspiration {name} ({size})",
    color_words: "or a colour in words",
    color_words_placeholder: "e.g. رصاصي, off white, بيج فاتح",
    sheen: "Sheen",
    sheen_matte: "Matte",
    sheen_satin: "Satin",
    sheen_gloss: "Gloss",
    color_resolved: "Colour {input} → {hex}",
    color_verbatim: "Colour {input} was sent to the model as written",
  },
  ar: {
    op_finish: "تشطيب أوضة على الطوب",
    op_empty: "فضّي الأوضة",
    op_reference: "ستايل من صورة",
    op_render: "من اسكتش لصورة",
    grade: "مستوى التشطيب",
    any_grade: "المستوى المعتاد",
    variations: "عدد البدائل",
    reference_photo: "صورة الإلهام",
    choose_reference: "اختار صورة إلهام",
    no_reference: "لسه مافيش صورة إلهام.",
    need_reference: "اختار صورة الإلهام الأول.",
    reference_file: "الإلهام {name} ({size})",
    color_words: "أو اللون بالكلام",
    color_words_placeholder: "مثلاً: رصاصي، أوف وايت، بيج فاتح",
    sheen: "اللمعة",
    sheen_matte: "مط",
    sheen_satin: "ساتان",
    sheen_gloss: "لامع",
    color_resolved: "اللون {input} ← {hex}",
    color_verbatim: "اللون {input} اتبعت للموديل زي ما هو",
  },
});

// The edit operations (shatably.studio.models.Operation) and the fields each one uses.
const OPERATIONS = [
  "restyle",
  "repaint",
  "declutter",
  "stage",
  "swap_material",
  "finish",
  "empty",
  "reference",
  "render",
];
const NEEDS_ROOM = new Set(["stage", "finish"]);

const REGIONS = [
  "walls",
  "floor",
  "ceiling",
  "furniture",
  "windows",
  "doors",
  "decor",
  "lighting",
  "cabinets",
];
const PRESERVE = ["walls", "windows", "doors", "floor", "ceiling", "layout", "camera"];

const freshEdit = () => ({
  nodes: new Map(), // image id → ImageView
  order: [], // ids in the order we learnt of them
  current: null, // the image the next edit starts from
  file: null, // a chosen photo not yet sent
  fileUrl: null,
  reference: null, // the inspiration photo for the reference operation
});
let edit = freshEdit();

function buildChecks() {
  const build = (boxId, names, prefix, checkedByDefault) => {
    const box = $(boxId);
    const previous = new Map([...box.querySelectorAll("input")].map((i) => [i.value, i.checked]));
    box.replaceChildren(
      ...names.map((name) =>
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            name: prefix,
            value: name,
            id: `${prefix}-${name}`,
            checked: previous.has(name) ? previous.get(name) : checkedByDefault,
          }),
          h("span", {}, t(`region_${name}`)),
        ),
      ),
    );
  };
  build("edit-regions", REGIONS, "region", false);
  build("edit-preserve", PRESERVE, "preserve", true);
}

function addNode(view) {
  if (!view || !view.id) return;
  if (!edit.nodes.has(view.id)) edit.order.push(view.id);
  edit.nodes.set(view.id, { ...(edit.nodes.get(view.id) || {}), ...view });
}

/** Learn an image and its ancestors from GET /images/{id} (bounded). */
async function fetchLineage(id) {
  const { data } = await api(`images/${encodeURIComponent(id)}`);
  if (Array.isArray(data?.chain) && data.chain.length) {
    // The image first, then its source, back to the original: learnt oldest first.
    for (const view of data.chain.slice(0, 50).reverse()) addNode(view);
    return data.chain[0];
  }
  const ancestors = Array.isArray(data?.ancestors) ? data.ancestors.slice(0, 20) : [];
  for (const ancestor of ancestors.slice().reverse()) {
    if (edit.nodes.has(ancestor)) continue;
    try {
      const { data: parent } = await api(`images/${encodeURIComponent(ancestor)}`);
      addNode(parent?.image);
    } catch {
      break;
    }
  }
  addNode(data?.image);
  return data?.image;
}

function parentOf(view) {
  return view?.parent_id ? edit.nodes.get(view.parent_id) : undefined;
}

function opLabel(view) {
  const op = view?.operation || "original";
  if (!view?.parent_id && !OPERATIONS.includes(op)) {
    return op === "generate" ? t("op_generate") : t("original");
  }
  const key = `op_${op}`;
  return hasText(key) ? t(key) : op;
}

function selectEditImage(id) {
  const view = edit.nodes.get(id);
  if (!view) return;
  edit.current = id;
  clearEditFile();
  $("edit-image-id").value = id;
  showEditView(view);
  renderChain();
  renderEditSourceLine();
}

function showEditView(view) {
  const parent = parentOf(view);
  $("edit-empty").hidden = true;
  if (parent) {
    showCompare(parent, view);
  } else {
    $("compare").hidden = true;
    $("compare-slider-wrap").hidden = true;
    $("edit-single").hidden = false;
    const img = $("edit-single-img");
    img.src = safeUrl(view.url) || "";
    img.alt = opLabel(view);
  }
  $("edit-meta").textContent = [imageCaption(view), view.model].filter(Boolean).join(" · ");
}

function showCompare(before, after) {
  const figure = $("compare");
  $("edit-single").hidden = true;
  figure.hidden = false;
  $("compare-slider-wrap").hidden = false;
  const w = after.width || before.width;
  const hgt = after.height || before.height;
  if (w && hgt) figure.style.setProperty("aspect-ratio", `${w} / ${hgt}`);
  $("compare-before").src = safeUrl(before.url) || "";
  $("compare-after").src = safeUrl(after.url) || "";
  $("compare-before").dataset.imageId = before.id || "";
  $("compare-after").dataset.imageId = after.id || "";
  setSlider(Number($("compare-slider").value) || 50);
}

/** The slider: left of the divider shows the source, right of it the result. */
function setSlider(value) {
  const v = Math.min(100, Math.max(0, Number(value)));
  const slider = $("compare-slider");
  if (Number(slider.value) !== v) slider.value = String(v);
  slider.setAttribute("aria-valuetext", `${t("before")} ${v}% · ${t("after")} ${100 - v}%`);
  $("compare-after").style.setProperty("clip-path", `inset(0 0 0 ${v}%)`);
  $("compare-divider").style.setProperty("left", `${v}%`);
}

function initCompareDrag() {
  const figure = $("compare");
  let dragging = false;
  const move = (event) => {
    const rect = figure.getBoundingClientRect();
    if (!rect.width) return;
    setSlider(Math.round(((event.clientX - rect.left) / rect.width) * 100));
  };
  figure.addEventListener("pointerdown", (event) => {
    dragging = true;
    figure.setPointerCapture(event.pointerId);
    move(event);
  });
  figure.addEventListener("pointermove", (event) => dragging && move(event));
  figure.addEventListener("pointerup", () => {
    dragging = false;
  });
  $("compare-slider").addEventListener("input", (event) => setSlider(event.target.value));
}

function renderChain() {
  const list = $("edit-chain");
  const { nodes, order, current } = edit;
  const path = new Set();
  for (let v = nodes.get(current); v && !path.has(v.id); v = parentOf(v)) path.add(v.id);
  const depth = (view) => {
    let d = 0;
    const seen = new Set();
    for (let p = parentOf(view); p && !seen.has(p.id) && d < 20; p = parentOf(p)) {
      seen.add(p.id);
      d += 1;
    }
    return d;
  };
  // Parents before children: order of discovery, then each node placed after its parent's subtree.
  const children = new Map();
  const roots = [];
  for (const id of order) {
    const view = nodes.get(id);
    const parent = parentOf(view);
    if (parent && parent.id !== id) {
      if (!children.has(parent.id)) children.set(parent.id, []);
      children.get(parent.id).push(id);
    } else roots.push(id);
  }
  const sorted = [];
  const visit = (id, seen = new Set()) => {
    if (seen.has(id)) return;
    seen.add(id);
    sorted.push(id);
    for (const child of children.get(id) || []) visit(child, seen);
  };
  for (const root of roots) visit(root);

  list.replaceChildren(
    ...sorted.map((id, position) => {
      const view = nodes.get(id);
      const parent = parentOf(view);
      const label = opLabel(view);
      const button = h(
        "button",
        {
          type: "button",
          class: "chain-step",
          "aria-current": id === current ? "step" : undefined,
          "aria-label": t("step_label", { op: label, id: shortId(id) }),
          dataset: { imageId: id },
          onclick: () => selectEditImage(id),
        },
        imageEl(view, { alt: "", className: "chain-thumb" }),
        h(
          "span",
          { class: "chain-text" },
          h("span", { class: "chain-op" }, `${position + 1}. ${label}`),
          h("code", { dir: "ltr" }, shortId(id)),
          parent ? h("span", { class: "chain-from" }, t("from", { id: shortId(parent.id) })) : null,
        ),
      );
      const li = h("li", { class: path.has(id) ? "on-path" : "" }, button);
      li.style.setProperty("--depth", String(Math.min(depth(view), 8)));
      return li;
    }),
  );
}

function renderEditSourceLine() {
  const line = $("edit-source-line");
  const { file, current } = edit;
  if (file) {
    line.textContent = t("source_file", {
      name: file.name,
      size: fmtBytes(file.size),
      how: file.size > INLINE_MAX_BYTES ? t("source_upload") : t("source_inline"),
    });
  } else if (current) {
    line.textContent = t("source_image", { id: current });
  } else {
    line.textContent = t("no_source");
  }
}

function renderReferenceLine() {
  const file = edit.reference;
  $("edit-reference-line").textContent = file
    ? t("reference_file", { name: file.name, size: fmtBytes(file.size) })
    : t("no_reference");
}

/** Room types and grades from the catalogue, in the page's language. */
function fillOperationSelects() {
  fillSelect($("edit-room"), catalog.room_types, "any_room");
  fillSelect($("edit-grade"), catalog.grades || [], "any_grade");
}

function clearEditFile() {
  if (edit.fileUrl) URL.revokeObjectURL(edit.fileUrl);
  edit.file = null;
  edit.fileUrl = null;
}

/** Open an image (a generation, a drawing, a job's result) in Edit, with its lineage when it has one. */
async function editFromImage(view) {
  addNode(view);
  selectEditImage(view.id);
  selectTab("edit", { focus: true });
  if (view.parent_id && !edit.nodes.has(view.parent_id)) {
    try {
      await fetchLineage(view.id);
      if (edit.current === view.id) selectEditImage(view.id);
    } catch (error) {
      showProblem("edit-problem", asProblem(error));
    }
  }
}

function editBody() {
  const operation = $("edit-operation").value;
  const body = {
    prompt: $("edit-prompt").value.trim(),
    operation,
    output_format: $("edit-format").value,
    regions: [...document.querySelectorAll("#edit-regions input:checked")].map((i) => i.value),
    preserve: Object.fromEntries(
      [...document.querySelectorAll("#edit-preserve input")].map((i) => [i.value, i.checked]),
    ),
  };
  Object.assign(body, contextFields());
  if ($("edit-style").value) body.style = $("edit-style").value;
  if (operation === "repaint") {
    body.color = $("edit-color-words").value.trim() || $("edit-color").value.toUpperCase();
    if ($("edit-sheen").value) body.sheen = $("edit-sheen").value;
  }
  if (NEEDS_ROOM.has(operation) && $("edit-room").value) body.room_type = $("edit-room").value;
  if (operation === "finish" && $("edit-grade").value) body.grade = $("edit-grade").value;
  const n = Number($("edit-n").value) || 1;
  if (n > 1) body.n = n;
  if (operation === "swap_material" && $("edit-material").value.trim())
    body.material = $("edit-material").value.trim();
  return body;
}

async function applyEdit(asJob) {
  showProblem("edit-problem", null);
  $("edit-notice").hidden = true;
  const body = editBody();
  const { file, current } = edit;
  if (!file && !current) {
    showProblem("edit-problem", { title: t("need_source") });
    return;
  }
  if (!body.prompt) {
    showProblem("edit-problem", { title: t("need_prompt") });
    $("edit-prompt").focus();
    return;
  }
  const button = asJob ? $("edit-job") : $("edit-submit");
  setBusy(button, true, asJob ? null : "editing");
  try {
    if (body.operation === "reference") {
      if (!edit.reference) {
        showProblem("edit-problem", { title: t("need_reference") });
        return;
      }
      [body.reference] = await toImageRefs([edit.reference]);
    }
    if (file) {
      const [ref] = await toImageRefs([file], () => {
        button.textContent = t("uploading");
      });
      body.image = ref;
      if (!asJob) button.textContent = t("editing");
    } else {
      body.image = { image_id: current };
    }
    const headers = { "Idempotency-Key": randomId() };
    if (asJob) headers.Prefer = "respond-async";
    const response = await api("edit", { method: "POST", json: body, headers });
    if (response.status === 202) {
      const job = watchJob(response.data, {
        origin: "edit",
        kind: "edit",
        location: response.headers.get("Location"),
      });
      jobNotice("edit-notice", job);
      return;
    }
    const data = response.data || {};
    if (!data.image || !data.image.id)
      throw new ApiProblem({ title: t("bad_response"), detail: data.message || "" });
    if (data.source) addNode(data.source);
    const results = Array.isArray(data.images) && data.images.length ? data.images : [data.image];
    for (const view of results) addNode({ ...view, parent_id: view.parent_id ?? data.source?.id ?? null });
    selectEditImage(data.image.id);
    $("edit-meta").textContent = [colorReport(data.color), data.message, data.provider, data.model]
      .filter(Boolean)
      .join(" · ");
  } catch (error) {
    showProblem("edit-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

/** What became of a colour in words: the hex it resolved to, or that it went to the model verbatim. */
function colorReport(color) {
  if (!color || typeof color !== "object" || !color.input) return "";
  return color.resolved_hex
    ? t("color_resolved", { input: color.input, hex: color.resolved_hex })
    : t("color_verbatim", { input: color.input });
}

function syncOperationFields() {
  const operation = $("edit-operation").value;
  $("edit-color-wrap").hidden = operation !== "repaint";
  $("edit-color-words-wrap").hidden = operation !== "repaint";
  $("edit-sheen-wrap").hidden = operation !== "repaint";
  $("edit-material-wrap").hidden = operation !== "swap_material";
  $("edit-room-wrap").hidden = !NEEDS_ROOM.has(operation);
  $("edit-grade-wrap").hidden = operation !== "finish";
  $("edit-reference-wrap").hidden = operation !== "reference";
  const regions = [...document.querySelectorAll("#edit-regions input")];
  if (operation === "repaint" && !regions.some((i) => i.checked)) {
    const walls = regions.find((i) => i.value === "walls");
    if (walls) walls.checked = true;
  }
}

export function initEdit() {
  buildChecks();
  $("edit-operation").addEventListener("change", syncOperationFields);
  $("edit-color").addEventListener("input", (event) => {
    $("edit-color-hex").textContent = event.target.value.toUpperCase();
  });
  $("edit-photo").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    clearEditFile();
    edit.file = file;
    edit.fileUrl = URL.createObjectURL(file);
    edit.current = null;
    $("edit-image-id").value = "";
    $("compare").hidden = true;
    $("compare-slider-wrap").hidden = true;
    $("edit-empty").hidden = true;
    $("edit-single").hidden = false;
    $("edit-single-img").src = edit.fileUrl;
    $("edit-single-img").alt = file.name;
    $("edit-meta").textContent = "";
    renderEditSourceLine();
    renderChain();
  });
  $("edit-reference").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    edit.reference = file;
    renderReferenceLine();
  });
  stylePicker($("edit-style"), $("edit-style-picker"), "keep_style");
  $("edit-load-id").addEventListener("click", async () => {
    const id = $("edit-image-id").value.trim();
    if (!id) return;
    showProblem("edit-problem", null);
    try {
      const view = await fetchLineage(id);
      if (view?.id) selectEditImage(view.id);
    } catch (error) {
      showProblem("edit-problem", asProblem(error));
    }
  });
  $("edit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    applyEdit(false);
  });
  $("edit-job").addEventListener("click", () => applyEdit(true));
  initCompareDrag();
  syncOperationFields();
}

on("catalog", () => {
  fillSelect($("edit-style"), catalog.styles, "keep_style");
  fillOperationSelects();
});
on("lang", () => {
  fillSelect($("edit-style"), catalog.styles, "keep_style");
  fillOperationSelects();
  renderReferenceLine();
  $("compare-before").alt = t("before_alt");
  $("compare-after").alt = t("after_alt");
  $("compare-slider").setAttribute("aria-label", t("slider"));
  buildChecks();
  renderChain();
  renderEditSourceLine();
});
on("edit-image", editFromImage);
on("job-done", async (job) => {
  if (job.kind !== "edit" && job.origin !== "edit") return;
  for (const view of job.images) {
    try {
      if (view.parent_id && !edit.nodes.has(view.parent_id)) await fetchLineage(view.parent_id);
    } catch {
      /* the chain shows what we know */
    }
    addNode(view);
  }
  if (job.origin === "edit" && job.images[0]?.id) selectEditImage(job.images[0].id);
  else renderChain();
});
on("forget", () => {
  clearEditFile();
  edit = freshEdit();
});
