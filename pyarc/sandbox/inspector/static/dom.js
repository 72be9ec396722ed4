// Small DOM helpers. Everything shown comes from the app (events, output), so text is
// always set with textContent, never parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

// Pretty JSON with coloured keys, strings, numbers and literals.
export function jsonView(value, { className = "json" } = {}) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? "undefined";
  const pre = h("pre", { class: className, tabindex: "0" });
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > last) pre.append(text.slice(last, match.index));
    const [whole, string, colon, literal, number] = match;
    if (string) {
      pre.append(h("span", { class: colon ? "j-key" : "j-str" }, string));
      if (colon) pre.append(colon);
    } else if (literal) pre.append(h("span", { class: "j-lit" }, literal));
    else if (number) pre.append(h("span", { class: "j-num" }, number));
    else pre.append(whole);
    last = match.index + whole.length;
  }
  pre.append(text.slice(last));
  return pre;
}

export function clock(epochSeconds) {
  const d = new Date(epochSeconds * 1000);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function ms(value) {
  if (value === null || value === undefined) return "";
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function relative(iso) {
  if (!iso) return "not scheduled";
  const seconds = Math.round((new Date(iso) - Date.now()) / 1000);
  const span = Math.abs(seconds);
  const words = span < 60 ? `${span} s` : span < 3600 ? `${Math.round(span / 60)} min`
    : span < 86400 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86400)} d`;
  return seconds >= 0 ? `in ${words}` : `${words} ago`;
}

let toastTimer = 0;
export function toast(message, kind = "info") {
  const node = document.getElementById("toast");
  node.textContent = message;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, kind === "error" ? 7000 : 3000);
}

// A value a user typed as JSON; throws a readable error.
export function parseJson(text, what) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

// Re-render `container` without losing what the user is doing in it: the value of every
// element marked `data-keep`, which of them has the focus (and its selection), and which
// <details> are open. Views that refresh on a timer render through this.
export function keepingInputs(container, render) {
  const saved = new Map();
  for (const node of container.querySelectorAll("[data-keep]")) {
    saved.set(node.dataset.keep, { value: node.value, open: node.open });
  }
  const active = document.activeElement;
  const focused = active && container.contains(active) ? active.dataset.keep : undefined;
  const selection = focused && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  render();
  for (const node of container.querySelectorAll("[data-keep]")) {
    const was = saved.get(node.dataset.keep);
    if (!was) continue;
    if (node.tagName === "DETAILS") node.open = was.open;
    else if ("value" in node && node.tagName !== "BUTTON") node.value = was.value;
  }
  if (focused) {
    const node = container.querySelector(`[data-keep="${CSS.escape(focused)}"]`);
    if (node) {
      node.focus();
      if (selection && node.setSelectionRange) { try { node.setSelectionRange(...selection); } catch { /* not a text field */ } }
    }
  }
}

// `fn` at most once per `ms` however often it is asked for (the last request always runs):
// a busy app sends hundreds of updates a second, the page needs a few.
export function throttled(fn, ms) {
  let timer = 0;
  let last = 0;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => { timer = 0; last = Date.now(); fn(); }, wait);
  };
}
