// What the playground keeps in the browser: localStorage that never throws (private modes,
// disabled storage fall back to memory for the page's life).

export const STORE = { owner: "shatably.owner", session: "shatably.session", lang: "shatably.lang" };

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
export const safeStorage = safeStorageImpl();
