// The page's few cross-screen messages, so a screen never reaches into another's state:
//   "lang"       the interface language changed (every screen re-renders its text)
//   "owner"      the owner id changed (issued by the API, or forgotten)
//   "provider"   an answer named its provider
//   "catalog"    GET /styles arrived
//   "job-done"   a watched job succeeded (detail: the job)
//   "job-failed" a watched job ended otherwise: failed, blocked, expired (detail: the job)
//   "edit-image" open an image in Edit (detail: an ImageView)
//   "open-chat"  open a conversation in Chat (detail: a session id)
//   "tab"        a tab was opened (detail: its name)
//   "open-project" open a project's page (detail: its id; null for a new project)
//   "lists-changed" a conversation or project was created or deleted (the sidebar reloads)
//   "sessions-listed", "projects-listed" the sidebar's lists arrived (detail: their items)
//   "forget"     the user forgot their id or erased their data: drop everything held for it

const bus = new EventTarget();

export function emit(name, detail) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

export function on(name, listener) {
  bus.addEventListener(name, (event) => listener(event.detail));
}
