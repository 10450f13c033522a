// Shatably AI playground: one page for the whole API (chat, generate, edit, jobs).
// Plain ES module, no build step, nothing fetched from outside this origin except the
// presigned image and upload URLs the API hands out.
//
// Safety rule: text that comes from the API (model replies, plans, names) is only ever put in the
// page as text (textContent / text nodes), never as HTML.

// ───────────────────────────── constants ─────────────────────────────

const OWNER_HEADER = "X-Owner-Id";
const STORE = { owner: "shatably.owner", session: "shatably.session", lang: "shatably.lang" };
const INLINE_MAX_BYTES = 2 * 1024 * 1024; // a larger photo goes to S3 by presigned POST
const INLINE_BUDGET_BYTES = 3 * 1024 * 1024; // all inline photos of one request together
const MAX_PHOTOS = 4;
const TERMINAL = new Set(["succeeded", "failed", "blocked", "cancelled", "canceled", "expired"]);
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
const UPLOAD_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]);
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

// The API lives at the page's own folder, unless ?api=<base URL> points elsewhere.
const API_BASE = (() => {
  const given = new URLSearchParams(location.search).get("api");
  if (given) {
    try {
      const url = new URL(given, location.href);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href.endsWith("/") ? url.href : `${url.href}/`;
      }
    } catch {
      /* fall through to the page's origin */
    }
  }
  return new URL(".", location.href).href;
})();

/** localStorage that never throws (private modes, disabled storage). */
function safeStorageImpl() {
  const memory = new Map();
  return {
    get(key) {
      try {
        return localStorage.getItem(key);
      } catch {
        return memory.get(key) ?? null;
      }
    },
    set(key, value) {
      try {
        if (value === null || value === undefined) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
      } catch {
        if (value === null || value === undefined) memory.delete(key);
        else memory.set(key, value);
      }
    },
  };
}
const safeStorage = safeStorageImpl();

// ───────────────────────────── UI text ─────────────────────────────

const I18N = {
  en: {
    title: "Shatably AI — playground",
    skip: "Skip to content",
    playground: "playground",
    tagline: "Chat with the designer, generate rooms, edit your photos.",
    api_checking: "API…",
    api_ok: "API ok",
    api_down: "API unreachable",
    provider: "provider:",
    owner: "you:",
    owner_none: "not yet",
    forget: "forget",
    forget_confirm:
      "Forget your anonymous id? Your conversations, images and jobs will no longer be reachable from this browser.",
    docs: "API docs",
    docs_nav: "API documentation",
    tab_chat: "Chat",
    tab_generate: "Generate",
    tab_edit: "Edit a photo",
    tab_jobs: "Jobs",
    tablist: "Playground sections",
    conversation: "Conversation",
    new_session: "new",
    show_history: "Show history",
    new_conversation: "New conversation",
    delete_conversation: "Delete",
    delete_confirm: "Delete this conversation and its images?",
    chat_empty: "Say hello, describe your room, or attach a photo of it. Arabic or English.",
    message: "Message",
    message_placeholder: "e.g. I want a modern living room, 4×5 m, warm colours — or: عايز أوضة نوم مودرن",
    attach_photos: "Attach photos (up to 4)",
    attached_photos: "Attached photos",
    reply_language: "Reply language",
    auto: "Auto",
    send_hint: "Ctrl+Enter to send",
    send: "Send",
    sending: "Sending…",
    remove: "Remove",
    remove_photo: "Remove photo {name}",
    too_many_photos: "Up to {n} photos per message.",
    need_message: "Write a message or attach a photo.",
    default_photo_message: "What do you suggest for this room?",
    you: "You",
    designer: "Designer",
    thinking: "The designer is thinking…",
    turn: "turn {n}",
    history_loaded: "Loaded {n} turns.",
    drawing: "Drawing in progress (job {id})",
    plan: "Design plan",
    plan_style: "Style",
    plan_room: "Room",
    palette: "Palette",
    materials: "Materials",
    surface: "Surface",
    material: "Material",
    finish: "Finish",
    furniture: "Furniture",
    item: "Item",
    qty: "Qty",
    dims: "Size (cm)",
    price: "Price (EGP)",
    quantities: "Finishing quantities",
    rooms: "Rooms",
    room_name: "Room",
    total: "Total (EGP)",
    budget_fits: "Within the budget of {budget}",
    budget_over: "Over the budget of {budget} by {gap}",
    changed: "Changed in this turn",
    plan_state: "Flat state",
    plan_grade: "Grade",
    plan_budget: "Budget",
    price_book: "Prices {version}, {date}",
    quantity: "Quantity",
    unit: "Unit",
    details: "Details",
    cost: "Estimated cost",
    room_size: "Room size",
    surface_walls: "Walls",
    surface_floor: "Floor",
    surface_ceiling: "Ceiling",
    surface_joinery: "Joinery",
    metres: "m",
    steps: "Steps",
    more: "More details",
    egp: "EGP",
    gen_title: "Generate a room",
    prompt: "Prompt",
    gen_placeholder: "A bright living room with a big window and a reading corner",
    style: "Style",
    any_style: "Any style",
    room_type: "Room type",
    any_room: "Any room",
    size: "Size",
    count: "Images",
    format: "Format",
    seed: "Seed (optional)",
    generate: "Generate",
    generating: "Generating…",
    start_job: "Start as a job",
    results: "Results",
    gen_empty: "Generated images appear here.",
    need_prompt: "Write a prompt first.",
    edit_this: "Edit this",
    open: "Open",
    image_alt: "Generated room: {prompt}",
    edit_title: "Edit a photo of your room",
    source: "Source photo",
    choose_photo: "Choose a room photo",
    or_image_id: "or an image id",
    load: "Load",
    no_source: "No photo chosen yet.",
    source_file: "Photo {name} ({size}) — {how}",
    source_inline: "sent inline",
    source_upload: "uploaded to storage first (large)",
    source_image: "Editing image {id}",
    operation: "Operation",
    op_restyle: "Restyle",
    op_repaint: "Repaint",
    op_declutter: "Declutter",
    op_stage: "Stage (furnish)",
    op_swap_material: "Swap a material",
    op_generate: "Generated",
    op_upload: "Original",
    op_input: "Original",
    op_original: "Original",
    keep_style: "Keep / none",
    color: "Colour",
    material_placeholder: "e.g. light oak parquet",
    edit_placeholder: "Make it calm and bright; keep the sofa",
    regions: "Regions that may change",
    preserve: "Keep unchanged",
    region_walls: "Walls",
    region_floor: "Floor",
    region_ceiling: "Ceiling",
    region_furniture: "Furniture",
    region_windows: "Windows",
    region_doors: "Doors",
    region_decor: "Decor",
    region_lighting: "Lighting",
    region_cabinets: "Cabinets",
    region_layout: "Layout",
    region_camera: "Camera angle",
    apply_edit: "Apply edit",
    editing: "Editing…",
    uploading: "Uploading the photo…",
    need_source: "Choose a photo (or an image id) first.",
    before_after: "Before / after",
    before: "Before",
    after: "After",
    slider: "Before ⟷ after",
    edit_empty: "Choose a photo, describe the change, apply it, then drag the slider.",
    chain: "Chain of edits",
    chain_hint: "Pick any step to compare it with its source and edit again from it.",
    from: "from {id}",
    original: "Original",
    step_label: "{op}, image {id}",
    jobs_title: "Jobs",
    jobs_hint:
      "Long generations and edits run as jobs. Start one from Generate or Edit (“Start as a job”), or watch one by its id.",
    job_id: "Job id",
    watch: "Watch",
    jobs_empty: "No jobs yet.",
    job_started: "Job {id} started — follow it in Jobs.",
    go_jobs: "Open Jobs",
    job_kind_generate: "Generation",
    job_kind_edit: "Edit",
    job_kind_chat: "Drawing",
    status_queued: "queued",
    status_running: "running",
    status_succeeded: "succeeded",
    status_failed: "failed",
    status_blocked: "blocked",
    status_watching: "waiting…",
    status_unknown: "{s}",
    created: "created {t}",
    updated: "updated {t}",
    stop: "Stop watching",
    poll_error: "Could not read the job; retrying…",
    network_error: "Network error",
    network_detail: "The API could not be reached ({msg}).",
    bad_response: "Unexpected response",
    upload_failed: "The upload to storage failed",
    copy_id: "Copy id",
    copied: "Copied",
    footer: "Images are short-lived links; ask again for fresh ones.",
    before_alt: "Before: the source image",
    after_alt: "After: the edited image",
  },
  ar: {
    title: "شطبلي AI — ساحة التجربة",
    skip: "انتقل للمحتوى",
    playground: "ساحة التجربة",
    tagline: "اتكلم مع المصمم، اعمل صور أوض، وعدّل صور أوضتك.",
    api_checking: "الواجهة…",
    api_ok: "الواجهة شغالة",
    api_down: "الواجهة مش متاحة",
    provider: "المزوّد:",
    owner: "أنت:",
    owner_none: "لسه",
    forget: "انسَني",
    forget_confirm: "تنسى المعرّف المجهول بتاعك؟ محادثاتك وصورك ومهامك مش هتبقى متاحة من المتصفح ده.",
    docs: "توثيق الواجهة",
    docs_nav: "توثيق الواجهة البرمجية",
    tab_chat: "المحادثة",
    tab_generate: "توليد صور",
    tab_edit: "تعديل صورة",
    tab_jobs: "المهام",
    tablist: "أقسام الصفحة",
    conversation: "المحادثة",
    new_session: "جديدة",
    show_history: "اعرض السجل",
    new_conversation: "محادثة جديدة",
    delete_conversation: "احذف",
    delete_confirm: "تحذف المحادثة دي وصورها؟",
    chat_empty: "سلّم، أوصف أوضتك، أو ابعت صورتها. عربي أو إنجليزي.",
    message: "الرسالة",
    message_placeholder: "مثلاً: عايز أوضة معيشة مودرن ٤×٥ متر بألوان دافية",
    attach_photos: "أرفق صور (لحد ٤)",
    attached_photos: "الصور المرفقة",
    reply_language: "لغة الرد",
    auto: "تلقائي",
    send_hint: "Ctrl+Enter للإرسال",
    send: "ابعت",
    sending: "بيتبعت…",
    remove: "شيل",
    remove_photo: "شيل الصورة {name}",
    too_many_photos: "لحد {n} صور في الرسالة.",
    need_message: "اكتب رسالة أو أرفق صورة.",
    default_photo_message: "تقترح إيه للأوضة دي؟",
    you: "أنت",
    designer: "المصمم",
    thinking: "المصمم بيفكر…",
    turn: "الدور {n}",
    history_loaded: "اتحمّل {n} أدوار.",
    drawing: "الرسم شغال (مهمة {id})",
    plan: "خطة التصميم",
    plan_style: "الستايل",
    plan_room: "الأوضة",
    palette: "الألوان",
    materials: "الخامات",
    surface: "السطح",
    material: "الخامة",
    finish: "التشطيب",
    furniture: "العفش",
    item: "البند",
    qty: "العدد",
    dims: "المقاس (سم)",
    price: "السعر (ج.م)",
    quantities: "كميات التشطيب",
    rooms: "الأوض",
    room_name: "الأوضة",
    total: "الإجمالي (جنيه)",
    budget_fits: "في حدود الميزانية ({budget})",
    budget_over: "أعلى من الميزانية ({budget}) بـ {gap}",
    changed: "اللي اتغير في الرد ده",
    plan_state: "حالة الشقة",
    plan_grade: "الدرجة",
    plan_budget: "الميزانية",
    price_book: "أسعار {version}، {date}",
    quantity: "الكمية",
    unit: "الوحدة",
    details: "تفاصيل",
    cost: "التكلفة التقريبية",
    room_size: "مقاس الأوضة",
    surface_walls: "الحيطان",
    surface_floor: "الأرضية",
    surface_ceiling: "السقف",
    surface_joinery: "النجارة",
    metres: "م",
    steps: "الخطوات",
    more: "تفاصيل أكتر",
    egp: "ج.م",
    gen_title: "ولّد صورة أوضة",
    prompt: "الوصف",
    gen_placeholder: "أوضة معيشة منورة فيها شباك كبير وركن للقراية",
    style: "الستايل",
    any_style: "أي ستايل",
    room_type: "نوع الأوضة",
    any_room: "أي أوضة",
    size: "المقاس",
    count: "عدد الصور",
    format: "الصيغة",
    seed: "البذرة (اختياري)",
    generate: "ولّد",
    generating: "بيولّد…",
    start_job: "ابدأ كمهمة",
    results: "النتايج",
    gen_empty: "الصور المولّدة هتظهر هنا.",
    need_prompt: "اكتب وصف الأول.",
    edit_this: "عدّل دي",
    open: "افتح",
    image_alt: "أوضة مولّدة: {prompt}",
    edit_title: "عدّل صورة أوضتك",
    source: "الصورة الأصلية",
    choose_photo: "اختار صورة الأوضة",
    or_image_id: "أو معرّف صورة",
    load: "حمّل",
    no_source: "لسه مافيش صورة.",
    source_file: "الصورة {name} ({size}) — {how}",
    source_inline: "هتتبعت مع الطلب",
    source_upload: "هتترفع للتخزين الأول (كبيرة)",
    source_image: "بتعدّل الصورة {id}",
    operation: "العملية",
    op_restyle: "تغيير الستايل",
    op_repaint: "دهان",
    op_declutter: "ترتيب وتفضية",
    op_stage: "فرش الأوضة",
    op_swap_material: "تغيير خامة",
    op_generate: "مولّدة",
    op_upload: "الأصل",
    op_input: "الأصل",
    op_original: "الأصل",
    keep_style: "من غير تغيير",
    color: "اللون",
    material_placeholder: "مثلاً: باركيه بلوط فاتح",
    edit_placeholder: "خليها هادية ومنورة، وسيب الكنبة",
    regions: "الأجزاء اللي تتغير",
    preserve: "حافظ على",
    region_walls: "الحيطان",
    region_floor: "الأرضية",
    region_ceiling: "السقف",
    region_furniture: "العفش",
    region_windows: "الشبابيك",
    region_doors: "الأبواب",
    region_decor: "الديكور",
    region_lighting: "الإضاءة",
    region_cabinets: "الدواليب",
    region_layout: "التقسيم",
    region_camera: "زاوية التصوير",
    apply_edit: "نفّذ التعديل",
    editing: "بيعدّل…",
    uploading: "بيرفع الصورة…",
    need_source: "اختار صورة (أو معرّف صورة) الأول.",
    before_after: "قبل / بعد",
    before: "قبل",
    after: "بعد",
    slider: "قبل ⟷ بعد",
    edit_empty: "اختار صورة، اوصف التغيير، نفّذه، وحرّك المؤشر.",
    chain: "سلسلة التعديلات",
    chain_hint: "اختار أي خطوة تقارنها بأصلها وتعدّل منها تاني.",
    from: "من {id}",
    original: "الأصل",
    step_label: "{op}، صورة {id}",
    jobs_title: "المهام",
    jobs_hint:
      "التوليد والتعديل الطويل بيشتغلوا كمهام. ابدأ واحدة من التوليد أو التعديل («ابدأ كمهمة»)، أو تابع واحدة بمعرّفها.",
    job_id: "معرّف المهمة",
    watch: "تابع",
    jobs_empty: "مافيش مهام لسه.",
    job_started: "المهمة {id} بدأت — تابعها في المهام.",
    go_jobs: "افتح المهام",
    job_kind_generate: "توليد",
    job_kind_edit: "تعديل",
    job_kind_chat: "رسم",
    status_queued: "في الانتظار",
    status_running: "شغالة",
    status_succeeded: "خلصت",
    status_failed: "فشلت",
    status_blocked: "اترفضت",
    status_watching: "مستني…",
    status_unknown: "{s}",
    created: "اتعملت {t}",
    updated: "اتحدّثت {t}",
    stop: "بطّل متابعة",
    poll_error: "مش قادر أقرا المهمة؛ بحاول تاني…",
    network_error: "مشكلة في الشبكة",
    network_detail: "مش قادر أوصل للواجهة ({msg}).",
    bad_response: "رد غير متوقع",
    upload_failed: "رفع الصورة للتخزين فشل",
    copy_id: "انسخ المعرّف",
    copied: "اتنسخ",
    footer: "روابط الصور مؤقتة؛ اطلبها تاني لو انتهت.",
    before_alt: "قبل: الصورة الأصلية",
    after_alt: "بعد: الصورة المعدّلة",
  },
};

let uiLang = (() => {
  const stored = safeStorage.get(STORE.lang);
  if (stored === "ar" || stored === "en") return stored;
  return (navigator.language || "en").toLowerCase().startsWith("ar") ? "ar" : "en";
})();

function t(key, vars = {}) {
  const table = I18N[uiLang] || I18N.en;
  const raw = table[key] ?? I18N.en[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

function locale() {
  return uiLang === "ar" ? "ar-EG-u-nu-latn" : "en-GB";
}

// ───────────────────────────── small helpers ─────────────────────────────

const $ = (id) => document.getElementById(id);

/** Build an element. Strings and numbers among children become text nodes (never HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "src" || name === "href") {
      const url = safeUrl(value);
      if (url) el.setAttribute(name, url);
    } else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Only http(s), blob: and data:image/ URLs may reach src/href. */
function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  if (/^data:image\/(png|jpeg|webp|gif);base64,/i.test(value)) return value;
  try {
    const url = new URL(value, location.href);
    if (["http:", "https:", "blob:"].includes(url.protocol)) return url.href;
  } catch {
    /* not a URL */
  }
  return null;
}

function randomId() {
  if (crypto.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch {
      /* insecure context */
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function shortId(id) {
  const s = String(id ?? "");
  return s.length > 12 ? `${s.slice(0, 8)}…` : s;
}

function fmtBytes(n) {
  if (!Number.isFinite(n)) return "";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toLocaleString(locale(), { maximumFractionDigits: i ? 1 : 0 })} ${units[i]}`;
}

function fmtNumber(n, digits = 2) {
  const v = Number(n);
  if (!Number.isFinite(v)) return String(n ?? "");
  return v.toLocaleString(locale(), { maximumFractionDigits: digits });
}

function fmtTime(value) {
  if (value === null || value === undefined || value === "") return "";
  let date;
  if (typeof value === "number") date = new Date(value < 1e12 ? value * 1000 : value);
  else date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** "rtl" when the text is mostly Arabic script, "ltr" when mostly Latin, "auto" otherwise. */
function textDir(text) {
  const s = String(text ?? "");
  const arabic = (s.match(/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g) || [])
    .length;
  const latin = (s.match(/[A-Za-z\u00C0-\u024F]/g) || []).length;
  if (!arabic && !latin) return "auto";
  return arabic >= latin ? "rtl" : "ltr";
}

/** Attributes for a run of user or model text: direction and language from its script. */
function textAttrs(text, extra = {}) {
  const dir = textDir(text);
  const attrs = { dir, ...extra };
  if (dir === "rtl") attrs.lang = "ar";
  else if (dir === "ltr") attrs.lang = "en";
  return attrs;
}

/** A value that may be a plain string, a number, or {en, ar} / {name_en, name_ar}. */
function txt(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(txt).filter(Boolean).join(", ");
  if (typeof value === "object") {
    const pick = (en, ar) => (uiLang === "ar" ? (value[ar] ?? value[en]) : (value[en] ?? value[ar]));
    const chosen =
      pick("en", "ar") ??
      pick("name_en", "name_ar") ??
      value.name ??
      value.label ??
      value.text ??
      value.value;
    if (chosen !== undefined) return txt(chosen);
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${txt(v)}`)
      .join(", ");
  }
  return String(value);
}

function nameIn(record, lang) {
  if (!record) return "";
  if (lang === "ar") return record.name_ar || record.name || record.name_en || record.id || "";
  return record.name_en || record.name || record.name_ar || record.id || "";
}

function nameOf(record) {
  if (!record) return "";
  if (uiLang === "ar") return record.name_ar || record.name || record.name_en || record.id || "";
  return record.name_en || record.name || record.name_ar || record.id || "";
}

function setBusy(button, busy, busyLabelKey) {
  if (!button) return;
  if (busy) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (busyLabelKey) button.textContent = t(busyLabelKey);
  } else {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.dataset.i18n) button.textContent = t(button.dataset.i18n);
  }
}

// ───────────────────────────── identity ─────────────────────────────

function getOwner() {
  return safeStorage.get(STORE.owner);
}

function setOwner(value) {
  safeStorage.set(STORE.owner, value);
  renderOwner();
}

function renderOwner() {
  const owner = getOwner();
  const el = $("owner-id");
  el.textContent = owner ? shortId(owner.replace(/^anon-/, "")) : t("owner_none");
  if (owner) el.title = owner;
  else el.removeAttribute("title");
  $("owner-forget").hidden = !owner;
}

// ───────────────────────────── API client ─────────────────────────────

class ApiProblem extends Error {
  constructor(problem) {
    super(problem.title || "Error");
    this.problem = problem;
    this.status = problem.status ?? 0;
  }
}

// Until the API has issued us an owner id, requests go one at a time, so two first requests
// cannot each be given a different identity.
let ownerGate = Promise.resolve();

async function api(path, options = {}) {
  if (getOwner()) return request(path, options);
  const previous = ownerGate;
  let release;
  ownerGate = new Promise((resolve) => {
    release = resolve;
  });
  try {
    await previous;
    return await request(path, options);
  } finally {
    release();
  }
}

async function request(path, { method = "GET", json, body, headers = {}, signal } = {}) {
  const sent = new Headers(headers);
  sent.set("Accept", "application/json, application/problem+json");
  const owner = getOwner();
  if (owner) sent.set(OWNER_HEADER, owner);
  let payload = body;
  if (json !== undefined) {
    sent.set("Content-Type", "application/json");
    payload = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), { method, headers: sent, body: payload, signal });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiProblem({
      title: t("network_error"),
      detail: t("network_detail", { msg: error?.message || String(error) }),
      status: 0,
      code: "network_error",
    });
  }
  const issued = response.headers.get(OWNER_HEADER);
  if (issued && issued !== getOwner()) setOwner(issued);

  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiProblem(problemOf(response, data, text));
  if (data && typeof data === "object" && typeof data.provider === "string") showProvider(data.provider);
  return { status: response.status, headers: response.headers, data };
}

function problemOf(response, data, text) {
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const title = data.title || data.error || data.message || response.statusText || t("bad_response");
    const detail = data.detail ?? (data.title ? null : (data.message ?? null));
    return {
      type: data.type,
      title: typeof title === "string" ? title : JSON.stringify(title),
      detail: typeof detail === "string" ? detail : detail ? JSON.stringify(detail) : "",
      status: data.status ?? response.status,
      code: data.code,
      request_id: data.request_id ?? response.headers.get("x-request-id"),
      errors: Array.isArray(data.errors) ? data.errors : undefined,
    };
  }
  return {
    title: `${response.status} ${response.statusText || t("bad_response")}`.trim(),
    detail: (text || "").slice(0, 300),
    status: response.status,
    request_id: response.headers.get("x-request-id"),
  };
}

function asProblem(error) {
  if (error instanceof ApiProblem) return error.problem;
  return { title: t("bad_response"), detail: error?.message || String(error) };
}

/** Show a problem (RFC 9457) in a panel's alert box; null hides it. */
function showProblem(boxId, problem) {
  const box = $(boxId);
  box.replaceChildren();
  if (!problem) {
    box.hidden = true;
    return;
  }
  box.append(problemView(problem));
  box.hidden = false;
}

function problemView(problem) {
  const meta = [
    problem.status ? `HTTP ${problem.status}` : null,
    problem.code ? `code: ${problem.code}` : null,
    problem.request_id ? `request: ${problem.request_id}` : null,
  ].filter(Boolean);
  return h(
    "div",
    { class: "problem-body" },
    h("strong", { class: "problem-title", ...textAttrs(problem.title) }, problem.title || t("bad_response")),
    problem.detail && problem.detail !== problem.title
      ? h("p", { class: "problem-detail", ...textAttrs(problem.detail) }, problem.detail)
      : null,
    problem.errors && problem.errors.length
      ? h(
          "ul",
          { class: "problem-errors" },
          problem.errors
            .slice(0, 8)
            .map((e) => h("li", { dir: "ltr" }, `${e.field ?? e.loc ?? ""}: ${e.message ?? e.msg ?? ""}`)),
        )
      : null,
    meta.length ? h("p", { class: "problem-meta", dir: "ltr" }, meta.join(" · ")) : null,
  );
}

function showProvider(provider) {
  $("provider-badge").hidden = false;
  $("provider-name").textContent = provider;
}

// ───────────────────────────── photos → image references ─────────────────────────────

function contentTypeOf(file) {
  const type = (file.type || "").toLowerCase();
  if (UPLOAD_TYPES.has(type)) return type;
  const ext = (file.name || "").toLowerCase().split(".").pop();
  return (
    {
      jpg: "image/jpeg",
      jpeg: "image/jpeg",
      png: "image/png",
      webp: "image/webp",
      heic: "image/heic",
      heif: "image/heif",
    }[ext] ||
    type ||
    "image/jpeg"
  );
}

function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result || "");
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error || new Error("read failed"));
    reader.readAsDataURL(file);
  });
}

/** Send a large photo straight to the bucket: POST /uploads, then the presigned form POST. */
async function uploadLarge(file) {
  const { data: ticket } = await api("uploads", {
    method: "POST",
    json: {
      content_type: contentTypeOf(file),
      filename: (file.name || "photo").slice(0, 255),
      size: file.size,
    },
  });
  if (!ticket || !ticket.upload_id || !ticket.url) {
    throw new ApiProblem({ title: t("upload_failed"), detail: t("bad_response") });
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(ticket.fields || {})) form.append(key, value);
  form.append("file", file, file.name || "photo");
  let response;
  try {
    response = await fetch(ticket.url, { method: "POST", body: form, credentials: "omit" });
  } catch (error) {
    throw new ApiProblem({ title: t("upload_failed"), detail: error?.message || String(error), status: 0 });
  }
  if (!response.ok) {
    const xml = await response.text().catch(() => "");
    const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
    throw new ApiProblem({
      title: t("upload_failed"),
      detail: [code, message].filter(Boolean).join(": ") || `${response.status} ${response.statusText}`,
      status: response.status,
      code,
    });
  }
  return ticket.upload_id;
}

/**
 * Image references for the API: small photos inline (base64), large ones through /uploads.
 * Inline photos of one request stay under a budget, so the body fits a Lambda payload.
 */
async function toImageRefs(files, onUpload) {
  const refs = new Array(files.length);
  let inline = 0;
  const order = files.map((file, i) => ({ file, i })).sort((a, b) => a.file.size - b.file.size);
  for (const { file, i } of order) {
    if (file.size <= INLINE_MAX_BYTES && inline + file.size <= INLINE_BUDGET_BYTES) {
      inline += file.size;
      refs[i] = { data: await fileToBase64(file) };
    } else {
      onUpload?.();
      refs[i] = { upload_id: await uploadLarge(file) };
    }
  }
  return refs;
}

// ───────────────────────────── state ─────────────────────────────

const state = {
  session: safeStorage.get(STORE.session),
  turns: [], // normalised chat turns (see normaliseTurn)
  pendingPhotos: [], // {file, url}
  catalog: { styles: [], room_types: [] },
  generated: [], // [{images, prompt, provider, model, job}]
  edit: {
    nodes: new Map(), // image id → ImageView
    order: [], // ids in the order we learnt of them
    current: null, // the image the next edit starts from
    file: null, // a chosen photo not yet sent
    fileUrl: null,
  },
  jobs: new Map(), // job id → job entry
};

// ───────────────────────────── tabs ─────────────────────────────

const TABS = ["chat", "generate", "edit", "jobs"];

function selectTab(name, { focus = false, updateHash = true } = {}) {
  if (!TABS.includes(name)) name = "chat";
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (updateHash && location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
}

function initTabs() {
  const list = $("tablist");
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[role=tab]");
    if (button) selectTab(button.dataset.tab);
  });
  list.addEventListener("keydown", (event) => {
    const current = TABS.findIndex((tab) => $(`tab-${tab}`).getAttribute("aria-selected") === "true");
    const rtl = document.documentElement.dir === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    let next = null;
    if (step) next = (current + step + TABS.length) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    selectTab(TABS[next], { focus: true });
  });
  window.addEventListener("hashchange", () => selectTab(location.hash.slice(1), { updateHash: false }));
  selectTab(location.hash.slice(1) || "chat", { updateHash: false });
}

// ───────────────────────────── language ─────────────────────────────

function applyLanguage() {
  const root = document.documentElement;
  root.lang = uiLang;
  root.dir = uiLang === "ar" ? "rtl" : "ltr";
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-i18n]")) {
    if (el.getAttribute("aria-busy") === "true") continue;
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  $("tablist").setAttribute("aria-label", t("tablist"));
  $("chat-log").setAttribute("aria-label", t("conversation"));
  $("chat-previews").setAttribute("aria-label", t("attached_photos"));
  $("compare-before").alt = t("before_alt");
  $("compare-after").alt = t("after_alt");
  $("compare-slider").setAttribute("aria-label", t("slider"));
  const toggle = $("lang-toggle");
  const other = uiLang === "ar" ? "en" : "ar";
  toggle.textContent = other === "ar" ? "العربية" : "English";
  toggle.lang = other;
  toggle.setAttribute(
    "aria-label",
    other === "ar" ? "العربية — Arabic interface" : "English — الواجهة بالإنجليزي",
  );
  if (!state.session) $("chat-session").textContent = t("new_session");
  renderOwner();
  fillCatalogSelects();
  buildChecks();
  renderChatLog();
  renderPreviews();
  renderGenerated();
  renderChain();
  renderEditSourceLine();
  renderJobs();
}

function initLanguage() {
  $("lang-toggle").addEventListener("click", () => {
    uiLang = uiLang === "ar" ? "en" : "ar";
    safeStorage.set(STORE.lang, uiLang);
    applyLanguage();
  });
}

// ───────────────────────────── catalogue (GET /styles) ─────────────────────────────

async function loadCatalog() {
  try {
    const { data } = await api(`styles?lang=${uiLang}`);
    const doc = data || {};
    const styles = Array.isArray(doc) ? doc : doc.styles || doc.items || [];
    const rooms = doc.room_types || doc.rooms || doc.roomTypes || [];
    state.catalog = {
      styles: styles.filter((s) => s && (s.id || s.name_en)),
      room_types: rooms.filter((r) => r && (r.id || r.name_en)),
    };
  } catch (error) {
    showProblem("gen-problem", asProblem(error));
  }
  fillCatalogSelects();
}

function fillSelect(select, records, emptyKey) {
  const chosen = select.value;
  const options = [h("option", { value: "" }, t(emptyKey))];
  for (const record of records) {
    const id = record.id || record.name_en;
    options.push(h("option", { value: id, ...textAttrs(nameOf(record)) }, nameOf(record)));
  }
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

function fillCatalogSelects() {
  fillSelect($("gen-style"), state.catalog.styles, "any_style");
  fillSelect($("gen-room"), state.catalog.room_types, "any_room");
  fillSelect($("edit-style"), state.catalog.styles, "keep_style");
  renderStylePreview();
}

function styleById(id) {
  return state.catalog.styles.find((s) => (s.id || s.name_en) === id);
}

function renderStylePreview() {
  const box = $("gen-style-preview");
  const style = styleById($("gen-style").value);
  box.replaceChildren();
  if (!style) return;
  const description =
    uiLang === "ar" ? style.description_ar || style.description : style.description_en || style.description;
  if (description) box.append(h("p", { class: "style-desc", ...textAttrs(description) }, description));
  if (Array.isArray(style.palette) && style.palette.length) box.append(swatchList(style.palette));
}

// ───────────────────────────── plan rendering ─────────────────────────────

function hexOf(entry) {
  const raw =
    typeof entry === "string" ? entry : (entry?.hex ?? entry?.color ?? entry?.colour ?? entry?.code);
  if (typeof raw !== "string") return null;
  const value = raw.trim().startsWith("#") ? raw.trim() : `#${raw.trim()}`;
  return HEX.test(value) ? value.toUpperCase() : null;
}

const ROLES = {
  wall: { en: "wall", ar: "حيطان" },
  walls: { en: "walls", ar: "حيطان" },
  accent: { en: "accent", ar: "لمسات" },
  wood: { en: "wood", ar: "خشب" },
  textile: { en: "textile", ar: "أقمشة" },
  metal: { en: "metal", ar: "معدن" },
  floor: { en: "floor", ar: "أرضية" },
  ceiling: { en: "ceiling", ar: "سقف" },
};

function roleLabel(role, lang = uiLang) {
  const known = ROLES[String(role ?? "").toLowerCase()];
  return known ? known[lang] : txt(role);
}

/** Colour swatches; names and roles in ``lang`` (the plan's language, else the page's). */
function swatchList(palette, lang = uiLang) {
  const list = h("ul", { class: "swatches" });
  for (const entry of palette) {
    const hex = hexOf(entry);
    const name = typeof entry === "string" ? "" : nameIn(entry, lang) || txt(entry.name);
    const role = typeof entry === "object" && entry ? roleLabel(entry.role, lang) : "";
    const chip = h("span", { class: hex ? "chip" : "chip unknown", "aria-hidden": "true" });
    if (hex) chip.style.setProperty("background-color", hex);
    list.append(
      h(
        "li",
        { class: "swatch", title: [name, hex, role].filter(Boolean).join(" · ") },
        chip,
        h(
          "span",
          { class: "swatch-text" },
          name ? h("span", { class: "swatch-name", ...textAttrs(name) }, name) : null,
          h("code", { class: "swatch-hex", dir: "ltr" }, hex || txt(entry?.hex ?? entry)),
          role ? h("span", { class: "swatch-role" }, role) : null,
        ),
      ),
    );
  }
  return list;
}

/** [min, max] from a number, a pair, or {min, max} (also low/high, from/to). */
function rangeOf(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" && Number.isFinite(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isFinite(Number(v)))) {
    return [Number(value[0]), Number(value[1])];
  }
  if (typeof value === "object") {
    const lo = value.min ?? value.low ?? value.from ?? value.min_egp ?? value.minimum;
    const hi = value.max ?? value.high ?? value.to ?? value.max_egp ?? value.maximum;
    if (Number.isFinite(Number(lo)) || Number.isFinite(Number(hi))) {
      const a = Number.isFinite(Number(lo)) ? Number(lo) : Number(hi);
      const b = Number.isFinite(Number(hi)) ? Number(hi) : Number(lo);
      return [a, b];
    }
  }
  return null;
}

function fmtRange(range) {
  if (!range) return "";
  const [a, b] = range;
  const f = (n) => n.toLocaleString(locale(), { maximumFractionDigits: 0 });
  const body = a === b ? f(a) : `${f(a)} – ${f(b)}`;
  return uiLang === "ar" ? `${body} ${t("egp")}` : `${t("egp")} ${body}`;
}

function fmtDims(value) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return fmtNumber(value, 0);
  const parts = Array.isArray(value)
    ? value
    : [
        value.w ?? value.width ?? value.length ?? value.l,
        value.d ?? value.depth,
        value.h ?? value.height,
      ].filter((v) => v !== undefined && v !== null);
  if (!parts.length) return txt(value);
  return parts.map((v) => fmtNumber(v, 0)).join(" × ");
}

const UNITS = {
  l: { en: "L", ar: "لتر" },
  m: { en: "m", ar: "م" },
  m2: { en: "m²", ar: "م²" },
  "m²": { en: "m²", ar: "م²" },
  m3: { en: "m³", ar: "م³" },
  box: { en: "boxes", ar: "كرتونة" },
  sheet: { en: "sheets", ar: "لوح" },
  piece: { en: "pieces", ar: "قطعة" },
  kg: { en: "kg", ar: "كجم" },
  bag: { en: "bags", ar: "شيكارة" },
};

function unitLabel(unit, lang = uiLang) {
  const known = UNITS[String(unit ?? "").toLowerCase()];
  return known ? known[lang] : txt(unit);
}

function surfaceLabel(surface) {
  const key = `surface_${String(txt(surface)).toLowerCase()}`;
  return I18N.en[key] ? t(key) : txt(surface);
}

/** A table of text cells; columns empty in every row are left out. */
function table(allHeaders, allRows) {
  const keep = allHeaders.map((_, i) => i === 0 || allRows.some((row) => row[i] !== "" && row[i] != null));
  const headers = allHeaders.filter((_, i) => keep[i]);
  const rows = allRows.map((row) => row.filter((_, i) => keep[i]));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            row.map((cell) => h("td", typeof cell === "string" ? textAttrs(cell) : {}, cell)),
          ),
        ),
      ),
    ),
  );
}

const PLAN_KNOWN = new Set([
  "style",
  "style_id",
  "style_name",
  "room_type",
  "room",
  "palette",
  "colors",
  "colours",
  "materials",
  "furniture",
  "finishing_quantities",
  "quantities",
  "rooms",
  "estimate",
  "state",
  "grade",
  "budget_egp",
  "assumptions",
  "photos",
  "steps",
  "lang",
  "summary",
  "title",
]);
const COST_KEYS = [
  "total_cost_egp",
  "cost_egp",
  "budget_egp",
  "estimated_cost_egp",
  "est_cost_egp",
  "cost_range_egp",
  "total_egp",
  "est_total_egp",
  "estimated_total_egp",
  "budget",
  "cost",
  "estimated_cost",
  "cost_range",
  "total",
];

function costOf(plan) {
  const computed = rangeOf(plan.estimate?.total_egp);
  if (computed) return { key: "estimate", range: computed };
  for (const key of COST_KEYS) {
    const range = rangeOf(plan[key]);
    if (range) return { key, range };
  }
  for (const [key, value] of Object.entries(plan)) {
    if (/cost|budget|total|price/i.test(key)) {
      const range = rangeOf(value);
      if (range) return { key, range };
    }
  }
  return null;
}

/** A plan is a document in its own language: its labels, units and numbers follow plan.lang. */
function renderPlan(plan) {
  if (!plan || typeof plan !== "object") return null;
  const summaryText = txt(plan.summary || plan.title || "");
  const lang =
    plan.lang === "ar" || plan.lang === "en" ? plan.lang : textDir(summaryText) === "rtl" ? "ar" : uiLang;
  const pageLang = uiLang;
  uiLang = lang; // synchronous: t(), txt(), locale() read it while the plan is built
  try {
    return buildPlan(plan, lang);
  } finally {
    uiLang = pageLang;
  }
}

function buildPlan(plan, lang) {
  const section = h("section", {
    class: "plan",
    "aria-label": t("plan"),
    dir: lang === "ar" ? "rtl" : "ltr",
    lang,
  });
  section.append(h("h4", { class: "plan-title" }, t("plan")));

  const facts = [];
  const style = plan.style_name ?? plan.style ?? plan.style_id;
  if (style) {
    const record = typeof style === "string" ? styleById(style) : null;
    facts.push([t("plan_style"), record ? nameOf(record) : txt(style)]);
  }
  const room = plan.room_type ?? (typeof plan.room === "string" ? plan.room : null);
  if (room) {
    const record = typeof room === "string" ? state.catalog.room_types.find((r) => r.id === room) : null;
    facts.push([t("plan_room"), record ? nameOf(record) : txt(room)]);
  }
  if (plan.room && typeof plan.room === "object") {
    const r = plan.room;
    const sides = [r.length_m ?? r.length, r.width_m ?? r.width].filter((v) => Number.isFinite(Number(v)));
    const height = r.height_m ?? r.height;
    if (sides.length) {
      let dims = sides.map((v) => fmtNumber(v)).join(" × ");
      if (Number.isFinite(Number(height))) dims += ` × ${fmtNumber(height)}`;
      facts.push([t("room_size"), `${dims} ${t("metres")}`]);
    }
  }
  if (plan.state) facts.push([t("plan_state"), txt(plan.state).replace(/_/g, " ")]);
  if (plan.grade) facts.push([t("plan_grade"), txt(plan.grade).replace(/_/g, " ")]);
  if (Number.isFinite(Number(plan.budget_egp)) && plan.budget_egp !== null) {
    facts.push([t("plan_budget"), fmtRange([Number(plan.budget_egp), Number(plan.budget_egp)])]);
  }
  const cost = costOf(plan);
  if (cost) facts.push([t("cost"), fmtRange(cost.range)]);
  if (facts.length) {
    section.append(
      h(
        "dl",
        { class: "facts" },
        facts.map(([k, v]) =>
          h(
            "div",
            { class: k === t("cost") ? "fact cost" : "fact" },
            h("dt", {}, k),
            h("dd", textAttrs(v), v),
          ),
        ),
      ),
    );
  }
  if (plan.summary || plan.title) {
    const s = txt(plan.summary || plan.title);
    section.append(h("p", { class: "plan-summary", ...textAttrs(s) }, s));
  }

  const palette = plan.palette ?? plan.colors ?? plan.colours;
  if (Array.isArray(palette) && palette.length) {
    section.append(h("h5", {}, t("palette")), swatchList(palette, lang));
  }

  if (Array.isArray(plan.rooms) && plan.rooms.length) {
    const finishOf = (f) =>
      f && typeof f === "object"
        ? [txt(f.type).replace(/_/g, " "), Array.isArray(f.tile_cm) ? f.tile_cm.join("×") : ""]
            .filter(Boolean)
            .join(" ")
        : txt(f ?? "");
    const rows = plan.rooms.map((r) => {
      const sides = [r.length_m, r.width_m].filter((v) => Number.isFinite(Number(v)) && v !== null);
      const size = sides.length === 2 ? sides.map((v) => fmtNumber(v)).join(" × ") : r.area_m2 ? `${fmtNumber(r.area_m2)} m²` : "";
      return [txt(r.name), size, finishOf(r.walls), finishOf(r.floor), finishOf(r.ceiling)];
    });
    section.append(
      h("h5", {}, t("rooms")),
      table([t("room_name"), t("room_size"), t("surface_walls"), t("surface_floor"), t("surface_ceiling")], rows),
    );
  }
  const estimate = plan.estimate;
  if (estimate && Array.isArray(estimate.items) && estimate.items.length) {
    const rows = estimate.items.map((item) => [
      [txt(item.name), item.room ? `(${txt(item.room)})` : ""].filter(Boolean).join(" "),
      fmtNumber(item.quantity),
      unitLabel(item.unit, lang),
      fmtRange(rangeOf(item.total_egp)),
    ]);
    section.append(h("h5", {}, t("quantities")), table([t("item"), t("quantity"), t("unit"), t("total")], rows));
    if (estimate.price_book) {
      const book = t("price_book")
        .replace("{version}", txt(estimate.price_book.version))
        .replace("{date}", txt(estimate.price_book.date));
      section.append(h("p", { class: "plan-note" }, book));
    }
    const budget = estimate.budget;
    if (budget && typeof budget === "object") {
      const amount = fmtRange([budget.budget_egp, budget.budget_egp]);
      const verdict = budget.fits
        ? t("budget_fits").replace("{budget}", amount)
        : t("budget_over").replace("{budget}", amount).replace("{gap}", fmtRange([budget.gap_egp, budget.gap_egp]));
      const list = (budget.substitutions || []).map((s) =>
        h("li", textAttrs(txt(s.description)), `${txt(s.description)} (−${fmtRange(rangeOf(s.saving_egp))})`),
      );
      section.append(h("p", { class: budget.fits ? "budget fits" : "budget over" }, verdict));
      if (list.length) section.append(h("ul", { class: "substitutions" }, list));
    }
  }
  if (Array.isArray(plan.assumptions) && plan.assumptions.length) {
    section.append(h("ul", { class: "assumptions" }, plan.assumptions.map((a) => h("li", textAttrs(txt(a)), txt(a)))));
  }

  const materials = plan.materials;
  if (materials && (Array.isArray(materials) ? materials.length : Object.keys(materials).length)) {
    const rows = Array.isArray(materials)
      ? materials.map((m) =>
          typeof m === "object" && m
            ? [
                surfaceLabel(m.surface ?? m.area ?? m.where),
                txt(m.material ?? m.name ?? m.item),
                txt(m.finish ?? m.notes ?? ""),
              ]
            : ["", txt(m), ""],
        )
      : Object.entries(materials).map(([surface, m]) =>
          m && typeof m === "object" && ("material" in m || "finish" in m)
            ? [surfaceLabel(surface), txt(m.material), txt(m.finish ?? "")]
            : [surfaceLabel(surface), txt(m), ""],
        );
    section.append(h("h5", {}, t("materials")), table([t("surface"), t("material"), t("finish")], rows));
  }

  const furniture = plan.furniture;
  if (Array.isArray(furniture) && furniture.length) {
    const rows = furniture.map((f) => {
      if (typeof f !== "object" || !f) return [txt(f), "", "", ""];
      const price = rangeOf(
        f.est_price_egp ?? f.price_egp ?? f.price_range_egp ?? f.price ?? f.est_price ?? f.cost_egp,
      );
      return [
        txt(f.item ?? f.name ?? f.type),
        f.qty ?? f.quantity ?? "",
        fmtDims(f.dims_cm ?? f.dimensions_cm ?? f.dims ?? f.dimensions ?? f.size),
        price ? fmtRange(price) : "",
      ].map((v) => (typeof v === "number" ? fmtNumber(v, 0) : v));
    });
    section.append(h("h5", {}, t("furniture")), table([t("item"), t("qty"), t("dims"), t("price")], rows));
  }

  let quantities = plan.finishing_quantities ?? plan.quantities;
  if (quantities && !Array.isArray(quantities) && typeof quantities === "object") {
    quantities = Object.entries(quantities).map(([item, q]) =>
      q && typeof q === "object" ? { item, ...q } : { item, qty: q },
    );
  }
  if (Array.isArray(quantities) && quantities.length) {
    const rows = quantities.map((q) => {
      if (typeof q !== "object" || !q) return [txt(q), "", "", ""];
      const { key: _key, item, name, material, qty, quantity, amount, unit, units, note, notes, ...rest } = q;
      const value = qty ?? quantity ?? amount;
      const extra = [
        txt(note ?? notes),
        ...Object.entries(rest)
          .filter(([, v]) => v !== null && v !== undefined && v !== "")
          .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "number" ? fmtNumber(v) : txt(v)}`),
      ]
        .filter(Boolean)
        .join(" · ");
      return [
        txt(item ?? name ?? material),
        typeof value === "number" ? fmtNumber(value) : txt(value),
        unitLabel(unit ?? units, lang),
        extra,
      ];
    });
    section.append(
      h("h5", {}, t("quantities")),
      table([t("item"), t("quantity"), t("unit"), t("details")], rows),
    );
  }

  if (Array.isArray(plan.steps) && plan.steps.length) {
    section.append(
      h("h5", {}, t("steps")),
      h(
        "ol",
        { class: "steps" },
        plan.steps.map((s) => h("li", textAttrs(txt(s)), txt(s))),
      ),
    );
  }

  const rest = Object.fromEntries(
    Object.entries(plan).filter(([key]) => !PLAN_KNOWN.has(key) && key !== cost?.key),
  );
  if (Object.keys(rest).length) {
    section.append(
      h(
        "details",
        { class: "plan-more" },
        h("summary", {}, t("more")),
        h("pre", { dir: "ltr" }, JSON.stringify(rest, null, 2)),
      ),
    );
  }
  return section;
}

// ───────────────────────────── images ─────────────────────────────

/** An <img> for an ImageView; if its short-lived URL fails, ask GET /images/{id} once for a fresh one. */
function imageEl(view, { alt = "", className = "" } = {}) {
  const img = h("img", {
    src: view.url || (view.data ? `data:${view.mime_type || "image/png"};base64,${view.data}` : null),
    alt,
    class: className,
    width: view.width || undefined,
    height: view.height || undefined,
    decoding: "async",
    dataset: { imageId: view.id || "" },
  });
  if (view.id) {
    img.addEventListener(
      "error",
      async () => {
        try {
          const { data } = await api(`images/${encodeURIComponent(view.id)}`);
          const url = safeUrl(data?.image?.url);
          if (url && url !== img.src) img.src = url;
        } catch {
          /* leave the broken image; its alt text says what it was */
        }
      },
      { once: true },
    );
  }
  return img;
}

function imageCaption(view) {
  return [view.width && view.height ? `${view.width}×${view.height}` : null, view.format, view.provider]
    .filter(Boolean)
    .join(" · ");
}

function copyButton(id) {
  const button = h("button", { type: "button", class: "link-button", title: id }, t("copy_id"));
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(id);
      button.textContent = t("copied");
    } catch {
      button.textContent = id;
    }
  });
  return button;
}

// ───────────────────────────── chat ─────────────────────────────

function normaliseTurn(raw) {
  return {
    index: raw.turn ?? raw.index ?? null,
    message: raw.message ?? "",
    attachments: raw.attachments || [],
    localPhotos: raw.localPhotos || [],
    response: raw.response ?? "",
    plan: raw.plan ?? null,
    changes: raw.changes || [],
    images: raw.images || [],
    jobIds: raw.job_ids || (raw.jobs || []).map((j) => j.job_id).filter(Boolean),
    provider: raw.provider,
    model: raw.model,
    lang: raw.lang,
    pending: Boolean(raw.pending),
  };
}

function setSession(id) {
  state.session = id || null;
  safeStorage.set(STORE.session, state.session);
  $("chat-session").textContent = state.session || t("new_session");
  if (state.session) $("chat-session").title = state.session;
  else $("chat-session").removeAttribute("title");
  $("chat-history").disabled = !state.session;
  $("chat-delete").disabled = !state.session;
}

function renderTurn(turn) {
  const article = h("article", { class: "turn", dataset: { turn: turn.index ?? "" } });
  const userPhotos = turn.attachments.length
    ? turn.attachments.map((view) => imageEl(view, { alt: t("attached_photos"), className: "thumb" }))
    : turn.localPhotos.map((p) => h("img", { src: p.url, alt: p.name, class: "thumb" }));
  article.append(
    h(
      "div",
      { class: "msg user" },
      h("span", { class: "who" }, t("you")),
      turn.message ? h("p", { class: "bubble", ...textAttrs(turn.message) }, turn.message) : null,
      userPhotos.length ? h("div", { class: "msg-photos" }, userPhotos) : null,
    ),
  );
  if (turn.pending) {
    article.append(
      h(
        "div",
        { class: "msg designer pending", "aria-busy": "true" },
        h("span", { class: "who" }, t("designer")),
        h("p", { class: "bubble" }, h("span", { class: "dots", "aria-hidden": "true" }), t("thinking")),
      ),
    );
    return article;
  }
  const designer = h(
    "div",
    { class: "msg designer" },
    h("span", { class: "who" }, t("designer")),
    h("p", { class: "bubble reply", ...textAttrs(turn.response) }, turn.response),
  );
  if (Array.isArray(turn.changes) && turn.changes.length) {
    const items = turn.changes.map((c) => {
      const what = [c.room, txt(c.field).replace(/_/g, " ")].filter(Boolean).join(" · ");
      return h("li", textAttrs(what), what);
    });
    designer.append(h("div", { class: "changes" }, h("span", {}, t("changed")), h("ul", {}, items)));
  }
  const plan = renderPlan(turn.plan);
  if (plan) designer.append(plan);
  if (turn.images.length) {
    designer.append(
      h(
        "div",
        { class: "drawn gallery" },
        turn.images.map((view) => figureFor(view, { alt: turn.response.slice(0, 120) })),
      ),
    );
  }
  const waiting = turn.jobIds.filter((id) => !TERMINAL.has(state.jobs.get(id)?.status));
  if (waiting.length) {
    designer.append(
      h(
        "ul",
        { class: "job-chips" },
        waiting.map((id) =>
          h(
            "li",
            {},
            h("span", { class: "spinner", "aria-hidden": "true" }),
            t("drawing", { id: shortId(id) }),
          ),
        ),
      ),
    );
  }
  const meta = [turn.index ? t("turn", { n: turn.index }) : null, turn.provider, turn.model]
    .filter(Boolean)
    .join(" · ");
  if (meta) designer.append(h("p", { class: "meta", dir: "ltr" }, meta));
  article.append(designer);
  return article;
}

function renderChatLog() {
  const log = $("chat-log");
  const empty = $("chat-empty");
  log.replaceChildren(empty);
  empty.hidden = state.turns.length > 0;
  for (const turn of state.turns) log.append(renderTurn(turn));
}

function scrollChatToEnd() {
  const log = $("chat-log");
  log.scrollTop = log.scrollHeight;
}

function renderPreviews() {
  const list = $("chat-previews");
  list.replaceChildren(
    ...state.pendingPhotos.map((photo, index) =>
      h(
        "li",
        { class: "preview" },
        h("img", { src: photo.url, alt: photo.file.name }),
        h("button", {
          type: "button",
          class: "remove",
          "aria-label": t("remove_photo", { name: photo.file.name }),
          title: t("remove"),
          text: "×",
          onclick: () => {
            URL.revokeObjectURL(photo.url);
            state.pendingPhotos.splice(index, 1);
            renderPreviews();
          },
        }),
      ),
    ),
  );
  list.hidden = state.pendingPhotos.length === 0;
}

async function sendChat() {
  showProblem("chat-problem", null);
  const input = $("chat-message");
  const photos = state.pendingPhotos.slice();
  let message = input.value.trim();
  if (!message && !photos.length) {
    showProblem("chat-problem", { title: t("need_message") });
    input.focus();
    return;
  }
  if (!message) message = t("default_photo_message");
  const button = $("chat-send");
  setBusy(button, true, "sending");
  const pending = normaliseTurn({
    message,
    pending: true,
    localPhotos: photos.map((p) => ({ url: p.url, name: p.file.name })),
  });
  state.turns.push(pending);
  renderChatLog();
  scrollChatToEnd();
  try {
    const images = await toImageRefs(photos.map((p) => p.file));
    const body = { message, images };
    if (state.session) body.session_id = state.session;
    const lang = $("chat-lang").value;
    if (lang) body.lang = lang;
    const { data } = await api("chat", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": randomId() },
    });
    if (!data || typeof data.response !== "string")
      throw new ApiProblem({ title: t("bad_response"), detail: "" });
    setSession(data.session_id || state.session);
    const turn = normaliseTurn({ ...data, message, localPhotos: pending.localPhotos });
    state.turns[state.turns.indexOf(pending)] = turn;
    input.value = "";
    state.pendingPhotos = [];
    renderPreviews();
    for (const job of data.jobs || []) watchJob(job, { origin: "chat", kind: "chat" });
    // The server's copies replace the local previews.
    if (turn.attachments.length) for (const p of photos) URL.revokeObjectURL(p.url);
  } catch (error) {
    state.turns.splice(state.turns.indexOf(pending), 1);
    showProblem("chat-problem", asProblem(error));
  } finally {
    setBusy(button, false);
    renderChatLog();
    scrollChatToEnd();
  }
}

async function loadHistory({ quiet = false } = {}) {
  if (!state.session) return;
  const button = $("chat-history");
  setBusy(button, true);
  try {
    const { data } = await api(`chat/sessions/${encodeURIComponent(state.session)}`);
    state.turns = (data?.turns || []).map(normaliseTurn);
    const last = state.turns[state.turns.length - 1];
    if (last?.provider) showProvider(last.provider);
    for (const turn of state.turns) {
      for (const id of turn.jobIds)
        if (!state.jobs.has(id)) watchJob({ job_id: id }, { origin: "chat", kind: "chat" });
    }
    renderChatLog();
    scrollChatToEnd();
    if (!quiet) showProblem("chat-problem", null);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) setSession(null);
    if (!quiet) showProblem("chat-problem", asProblem(error));
  } finally {
    setBusy(button, false);
    $("chat-history").disabled = !state.session;
  }
}

function newConversation() {
  setSession(null);
  state.turns = [];
  renderChatLog();
  showProblem("chat-problem", null);
  $("chat-message").focus();
}

async function deleteConversation() {
  if (!state.session || !confirm(t("delete_confirm"))) return;
  try {
    await api(`chat/sessions/${encodeURIComponent(state.session)}`, { method: "DELETE" });
    newConversation();
  } catch (error) {
    showProblem("chat-problem", asProblem(error));
  }
}

function initChat() {
  setSession(state.session);
  $("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendChat();
  });
  $("chat-message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!$("chat-send").disabled) sendChat();
    }
  });
  $("chat-photos").addEventListener("change", (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    const room = MAX_PHOTOS - state.pendingPhotos.length;
    if (files.length > room) showProblem("chat-problem", { title: t("too_many_photos", { n: MAX_PHOTOS }) });
    else showProblem("chat-problem", null);
    for (const file of files.slice(0, Math.max(room, 0))) {
      state.pendingPhotos.push({ file, url: URL.createObjectURL(file) });
    }
    renderPreviews();
  });
  $("chat-new").addEventListener("click", newConversation);
  $("chat-history").addEventListener("click", () => loadHistory());
  $("chat-delete").addEventListener("click", deleteConversation);
}

// ───────────────────────────── generate ─────────────────────────────

function figureFor(view, { alt = "", actions = true } = {}) {
  return h(
    "figure",
    { class: "result", dataset: { imageId: view.id || "" } },
    imageEl(view, { alt }),
    h(
      "figcaption",
      {},
      h("span", { class: "meta", dir: "ltr" }, imageCaption(view)),
      actions && view.id
        ? h(
            "span",
            { class: "fig-actions" },
            h(
              "button",
              { type: "button", class: "link-button", onclick: () => editFromImage(view) },
              t("edit_this"),
            ),
            view.url
              ? h("a", { href: view.url, target: "_blank", rel: "noopener noreferrer" }, t("open"))
              : null,
            copyButton(view.id),
          )
        : null,
    ),
  );
}

function renderGenerated() {
  const box = $("gen-results");
  box.replaceChildren();
  if (!state.generated.length) {
    box.append(h("p", { class: "empty" }, t("gen_empty")));
    $("gen-meta").textContent = "";
    return;
  }
  for (const batch of state.generated) {
    for (const view of batch.images)
      box.append(figureFor(view, { alt: t("image_alt", { prompt: batch.prompt }) }));
  }
  const last = state.generated[0];
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
    state.generated.unshift({ images, prompt: body.prompt, provider: data.provider, model: data.model });
    renderGenerated();
  } catch (error) {
    showProblem("gen-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

function jobNotice(boxId, job) {
  const box = $(boxId);
  box.replaceChildren(
    h("span", {}, t("job_started", { id: shortId(job.job_id) })),
    " ",
    h(
      "button",
      { type: "button", class: "link-button", onclick: () => selectTab("jobs", { focus: true }) },
      t("go_jobs"),
    ),
  );
  box.hidden = false;
}

function initGenerate() {
  $("gen-form").addEventListener("submit", (event) => {
    event.preventDefault();
    generate(false);
  });
  $("gen-job").addEventListener("click", () => generate(true));
  $("gen-style").addEventListener("change", renderStylePreview);
}

// ───────────────────────────── edit ─────────────────────────────

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
  if (!state.edit.nodes.has(view.id)) state.edit.order.push(view.id);
  state.edit.nodes.set(view.id, { ...(state.edit.nodes.get(view.id) || {}), ...view });
}

/** Learn an image and its ancestors from GET /images/{id} (bounded). */
async function fetchLineage(id) {
  const { data } = await api(`images/${encodeURIComponent(id)}`);
  const ancestors = Array.isArray(data?.ancestors) ? data.ancestors.slice(0, 20) : [];
  for (const ancestor of ancestors.slice().reverse()) {
    if (state.edit.nodes.has(ancestor)) continue;
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
  return view?.parent_id ? state.edit.nodes.get(view.parent_id) : undefined;
}

function opLabel(view) {
  const op = view?.operation || "original";
  if (!view?.parent_id && !["restyle", "repaint", "declutter", "stage", "swap_material"].includes(op)) {
    return op === "generate" ? t("op_generate") : t("original");
  }
  const key = `op_${op}`;
  return I18N.en[key] ? t(key) : op;
}

function selectEditImage(id) {
  const view = state.edit.nodes.get(id);
  if (!view) return;
  state.edit.current = id;
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
  const { nodes, order, current } = state.edit;
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
  const { file, current } = state.edit;
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

function clearEditFile() {
  if (state.edit.fileUrl) URL.revokeObjectURL(state.edit.fileUrl);
  state.edit.file = null;
  state.edit.fileUrl = null;
}

/** Open an image (a generation, a drawing, a job's result) in Edit, with its lineage when it has one. */
async function editFromImage(view) {
  addNode(view);
  selectEditImage(view.id);
  selectTab("edit", { focus: true });
  if (view.parent_id && !state.edit.nodes.has(view.parent_id)) {
    try {
      await fetchLineage(view.id);
      if (state.edit.current === view.id) selectEditImage(view.id);
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
  if ($("edit-style").value) body.style = $("edit-style").value;
  if (operation === "repaint") body.color = $("edit-color").value.toUpperCase();
  if (operation === "swap_material" && $("edit-material").value.trim())
    body.material = $("edit-material").value.trim();
  return body;
}

async function applyEdit(asJob) {
  showProblem("edit-problem", null);
  $("edit-notice").hidden = true;
  const body = editBody();
  const { file, current } = state.edit;
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
    addNode({ ...data.image, parent_id: data.image.parent_id ?? data.source?.id ?? null });
    selectEditImage(data.image.id);
    $("edit-meta").textContent = [data.message, data.provider, data.model].filter(Boolean).join(" · ");
  } catch (error) {
    showProblem("edit-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

function syncOperationFields() {
  const operation = $("edit-operation").value;
  $("edit-color-wrap").hidden = operation !== "repaint";
  $("edit-material-wrap").hidden = operation !== "swap_material";
  const regions = [...document.querySelectorAll("#edit-regions input")];
  if (operation === "repaint" && !regions.some((i) => i.checked)) {
    const walls = regions.find((i) => i.value === "walls");
    if (walls) walls.checked = true;
  }
}

function initEdit() {
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
    state.edit.file = file;
    state.edit.fileUrl = URL.createObjectURL(file);
    state.edit.current = null;
    $("edit-image-id").value = "";
    $("compare").hidden = true;
    $("compare-slider-wrap").hidden = true;
    $("edit-empty").hidden = true;
    $("edit-single").hidden = false;
    $("edit-single-img").src = state.edit.fileUrl;
    $("edit-single-img").alt = file.name;
    $("edit-meta").textContent = "";
    renderEditSourceLine();
    renderChain();
  });
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

// ───────────────────────────── jobs ─────────────────────────────

function watchJob(accepted, context = {}) {
  const id = accepted?.job_id;
  if (!id) return null;
  let job = state.jobs.get(id);
  if (!job) {
    job = {
      job_id: id,
      kind: accepted.kind || context.kind || "",
      status: accepted.status || "watching",
      location: context.location || accepted.location || `jobs/${id}`,
      origin: context.origin || "jobs",
      prompt: context.prompt,
      history: [{ status: accepted.status || "watching", at: Date.now() }],
      images: [],
      error: null,
      pollError: null,
      created_at: null,
      updated_at: null,
      delay: 600,
      timer: null,
      done: false,
      stopped: false,
    };
    state.jobs.set(id, job);
  }
  renderJobs();
  scheduleJob(job, 300);
  return job;
}

function scheduleJob(job, delay) {
  clearTimeout(job.timer);
  if (job.done || job.stopped) return;
  job.timer = setTimeout(() => pollJob(job), delay);
}

async function pollJob(job) {
  if (job.done || job.stopped) return;
  let retryAfter = null;
  try {
    const response = await api(`jobs/${encodeURIComponent(job.job_id)}`);
    const data = response.data || {};
    retryAfter = Number(response.headers.get("Retry-After"));
    job.pollError = null;
    job.failures = 0;
    job.kind = data.kind || job.kind;
    job.created_at = data.created_at ?? job.created_at;
    job.updated_at = data.updated_at ?? job.updated_at;
    job.images = Array.isArray(data.images) ? data.images : job.images;
    job.error = data.error || null;
    if (data.status && data.status !== job.status) {
      job.status = data.status;
      job.history.push({ status: data.status, at: Date.now() });
    }
    if (TERMINAL.has(job.status)) {
      job.done = true;
      onJobDone(job);
    }
  } catch (error) {
    job.failures = (job.failures || 0) + 1;
    job.pollError = asProblem(error);
    if ((error instanceof ApiProblem && [401, 403, 404].includes(error.status)) || job.failures >= 8) {
      job.done = true;
      job.error = job.pollError;
      job.pollError = null;
    }
  }
  renderJobs();
  if (!job.done) {
    const wait =
      Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 5000) : job.delay;
    job.delay = Math.min(Math.round(job.delay * 1.4), 4000);
    scheduleJob(job, Math.max(wait, 400));
  }
}

async function onJobDone(job) {
  if (job.status !== "succeeded") return;
  if (job.kind === "generate" || job.origin === "generate") {
    state.generated.unshift({
      images: job.images,
      prompt: job.prompt || "",
      provider: job.images[0]?.provider,
      model: job.images[0]?.model,
    });
    renderGenerated();
  }
  if (job.kind === "edit" || job.origin === "edit") {
    for (const view of job.images) {
      try {
        if (view.parent_id && !state.edit.nodes.has(view.parent_id)) await fetchLineage(view.parent_id);
      } catch {
        /* the chain shows what we know */
      }
      addNode(view);
    }
    if (job.origin === "edit" && job.images[0]?.id) selectEditImage(job.images[0].id);
    else renderChain();
  }
  if (job.origin === "chat") {
    const turn = state.turns.find((tr) => tr.jobIds.includes(job.job_id));
    if (turn) {
      const known = new Set(turn.images.map((v) => v.id));
      turn.images.push(...job.images.filter((v) => !known.has(v.id)));
      renderChatLog();
    }
  }
}

function statusLabel(status) {
  const key = `status_${status}`;
  return I18N.en[key] ? t(key) : t("status_unknown", { s: status });
}

function jobCard(job) {
  const status = job.status || "watching";
  const terminal = TERMINAL.has(status);
  const stages = ["queued", "running", status === "failed" || status === "blocked" ? status : "succeeded"];
  const reached = new Set(job.history.map((x) => x.status));
  if (terminal) {
    reached.add("queued");
    reached.add("running");
  } else if (status === "running") reached.add("queued");
  // Indeterminate while the job is queued or running; gone once it is done.
  const progress = terminal
    ? null
    : h("progress", { class: "job-progress", "aria-label": statusLabel(status) });
  const kindKey = `job_kind_${job.kind || job.origin}`;
  return h(
    "li",
    { class: "job", dataset: { jobId: job.job_id, status } },
    h(
      "div",
      { class: "job-head" },
      h("strong", {}, I18N.en[kindKey] ? t(kindKey) : job.kind || "job"),
      h("code", { dir: "ltr", title: job.job_id }, job.job_id),
      h("span", { class: "status", dataset: { status }, role: "status" }, statusLabel(status)),
      !terminal && !job.stopped
        ? h(
            "button",
            {
              type: "button",
              class: "link-button",
              onclick: () => {
                job.stopped = true;
                clearTimeout(job.timer);
                renderJobs();
              },
            },
            t("stop"),
          )
        : null,
    ),
    h(
      "ol",
      { class: "stages", "aria-hidden": "true" },
      stages.map((s) =>
        h(
          "li",
          { class: reached.has(s) || s === status ? (s === status ? "current" : "done") : "" },
          statusLabel(s),
        ),
      ),
    ),
    progress,
    h(
      "p",
      { class: "meta" },
      [
        job.created_at ? t("created", { t: fmtTime(job.created_at) }) : null,
        job.updated_at ? t("updated", { t: fmtTime(job.updated_at) }) : null,
      ]
        .filter(Boolean)
        .join(" · "),
    ),
    job.pollError ? h("p", { class: "warn" }, t("poll_error")) : null,
    job.error ? h("div", { class: "problem", role: "alert" }, problemView(job.error)) : null,
    job.images.length
      ? h(
          "div",
          { class: "gallery" },
          job.images.map((view) => figureFor(view, { alt: job.prompt || statusLabel(status) })),
        )
      : null,
  );
}

function renderJobs() {
  const jobs = [...state.jobs.values()].reverse();
  $("job-list").replaceChildren(...jobs.map(jobCard));
  $("jobs-empty").hidden = jobs.length > 0;
  const active = jobs.filter((j) => !TERMINAL.has(j.status) && !j.done && !j.stopped).length;
  const count = $("jobs-count");
  count.hidden = active === 0;
  count.textContent = active ? String(active) : "";
}

function initJobs() {
  $("job-watch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("job-id-input").value.trim();
    if (!id) return;
    const existing = state.jobs.get(id);
    if (existing) {
      existing.done = false;
      existing.stopped = false;
    }
    watchJob({ job_id: id }, { origin: "jobs" });
    $("job-id-input").value = "";
  });
}

// ───────────────────────────── header: health, identity ─────────────────────────────

async function checkHealth() {
  const pill = $("api-status");
  const label = $("api-status-text");
  try {
    const { data } = await api("health");
    const ok = data && (data.status === "ok" || data.status === "healthy");
    pill.dataset.state = ok ? "ok" : "down";
    label.dataset.i18n = ok ? "api_ok" : "api_down";
  } catch {
    pill.dataset.state = "down";
    label.dataset.i18n = "api_down";
  }
  label.textContent = t(label.dataset.i18n);
}

function initIdentity() {
  renderOwner();
  $("owner-forget").addEventListener("click", () => {
    if (!confirm(t("forget_confirm"))) return;
    setOwner(null);
    for (const job of state.jobs.values()) clearTimeout(job.timer);
    state.jobs.clear();
    state.edit = { nodes: new Map(), order: [], current: null, file: null, fileUrl: null };
    state.generated = [];
    newConversation();
    applyLanguage();
  });
  if (API_BASE !== new URL(".", location.href).href) {
    $("link-docs").href = new URL("docs", API_BASE).href;
    $("link-openapi").href = new URL("openapi.json", API_BASE).href;
  }
}

// ───────────────────────────── start ─────────────────────────────

async function start() {
  initTabs();
  initLanguage();
  initIdentity();
  initChat();
  initGenerate();
  initEdit();
  initJobs();
  applyLanguage();
  document.body.dataset.ready = "true";
  await Promise.all([checkHealth(), loadCatalog()]);
  if (state.session) await loadHistory({ quiet: true });
  document.body.dataset.loaded = "true";
}

start();
