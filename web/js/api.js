// The shared API client: one place for the base URL, the owner id, problem+json errors and photo
// uploads. Every screen talks to the API through api() only.

import { emit } from "./events.js";
import { t } from "./i18n.js";
import { STORE, safeStorage } from "./storage.js";

const OWNER_HEADER = "X-Owner-Id";
export const INLINE_MAX_BYTES = 2 * 1024 * 1024; // a larger photo goes to S3 by presigned POST
const INLINE_BUDGET_BYTES = 3 * 1024 * 1024; // all inline photos of one request together
const UPLOAD_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]);

// The API lives at the page's own folder, unless ?api=<base URL> points elsewhere.
export const API_BASE = (() => {
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

// ───────────────────────────── what this API serves ─────────────────────────────

let served = null; // "GET /projects/{}" for every documented route; null: unknown, assume all

const routeKey = (method, path) => `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, "{}")}`;

/** Read the API's OpenAPI document once, so a screen whose routes are not deployed stays hidden. */
export async function loadRoutes() {
  try {
    const response = await fetch(new URL("openapi.json", API_BASE), {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const doc = await response.json();
    served = new Set(
      Object.entries(doc.paths || {}).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => routeKey(method, path)),
      ),
    );
  } catch {
    served = null;
  }
}

/** Whether the API serves a route (true when its document could not be read). */
export function serves(method, path) {
  return served === null || served.has(routeKey(method, path));
}

// ───────────────────────────── identity ─────────────────────────────

export function getOwner() {
  return safeStorage.get(STORE.owner);
}

export function setOwner(value) {
  safeStorage.set(STORE.owner, value);
  emit("owner", value);
}

export function randomId() {
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

// ───────────────────────────── API client ─────────────────────────────

export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.title || "Error");
    this.problem = problem;
    this.status = problem.status ?? 0;
  }
}

// Until the API has issued us an owner id, requests go one at a time, so two first requests
// cannot each be given a different identity.
let ownerGate = Promise.resolve();

export async function api(path, options = {}) {
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

/**
 * One API call. ``accept`` asks for another representation (``text/csv``); ``as: "blob"`` returns the
 * body as a Blob instead of parsed JSON. Errors are always problem+json, thrown as ApiProblem.
 */
async function request(path, { method = "GET", json, body, headers = {}, signal, accept, as = "json" } = {}) {
  const sent = new Headers(headers);
  sent.set(
    "Accept",
    accept ? `${accept}, application/problem+json` : "application/json, application/problem+json",
  );
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

  if (as === "blob" && response.ok) {
    return { status: response.status, headers: response.headers, blob: await response.blob() };
  }
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
  if (data && typeof data === "object" && typeof data.provider === "string") emit("provider", data.provider);
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

export function asProblem(error) {
  if (error instanceof ApiProblem) return error.problem;
  return { title: t("bad_response"), detail: error?.message || String(error) };
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
export async function toImageRefs(files, onUpload) {
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
