// The inspector's JSON API; every change carries this run's token (see guard.py).

const token = document.querySelector('meta[name="pyarc-token"]').content;
const BASE = "/_pyarc/api";

async function call(method, path, body) {
  const options = { method, headers: { "x-pyarc-inspector": token } };
  if (body !== undefined) {
    options.headers["content-type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) {
    const error = new Error((data && data.message) || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body = {}) => call("POST", path, body),
  put: (path, body = {}) => call("PUT", path, body),
  del: (path) => call("DELETE", path),
};

// Live updates: `on(kind, callback)`; `status(callback)` hears "live" / "offline".
export function live() {
  const listeners = new Map();
  const statusListeners = [];
  const source = new EventSource(`${BASE}/live`);
  const tell = (state) => statusListeners.forEach((fn) => fn(state));
  source.addEventListener("hello", () => tell("live"));
  source.onerror = () => tell("offline");
  for (const kind of ["invocation", "output", "changed", "resync"]) {
    source.addEventListener(kind, (event) => {
      const data = JSON.parse(event.data);
      (listeners.get(kind) || []).forEach((fn) => fn(data));
    });
  }
  return {
    on(kind, fn) { listeners.set(kind, [...(listeners.get(kind) || []), fn]); },
    status(fn) { statusListeners.push(fn); },
  };
}
