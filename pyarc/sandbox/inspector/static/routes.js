// Routes: every @http and @ws route with its handler and config; "try it" from the page.
import { api } from "./api.js";
import { clear, h, jsonView, ms, toast } from "./dom.js";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE", "ANY"]);

function config(fn) {
  return h("span", { class: "config muted" },
    `${fn.folder} · ${fn.runtime} · ${fn.memory} MB · ${fn.timeout} s`,
    fn.handlerFile ? null : h("span", { class: "pill failed" }, "no handler file"));
}

function samplePath(path) {
  return path.replace(/:([\w.-]+)/g, "$1").replace(/\*$/, "anything");
}

function tryHttp(route) {
  const methods = route.method === "ANY" ? ["GET", "POST", "PUT", "PATCH", "DELETE"] : [route.method];
  const method = h("select", { "aria-label": "Method" }, methods.map((m) => h("option", {}, m)));
  const path = h("input", { type: "text", value: samplePath(route.path), "aria-label": "Path", class: "grow mono" });
  const query = h("input", { type: "text", placeholder: "a=1&b=2", "aria-label": "Query string", class: "mono" });
  const headers = h("textarea", { rows: "2", placeholder: "name: value (one a line)", "aria-label": "Headers", class: "mono" });
  const body = h("textarea", { rows: "4", placeholder: "request body", "aria-label": "Body", class: "mono" });
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const bodyRow = h("label", { class: "field" }, "Body", body);
  const sync = () => { bodyRow.hidden = !BODY_METHODS.has(method.value) && route.method !== "ANY"; };
  method.addEventListener("change", sync);
  sync();

  async function send(event) {
    event.preventDefault();
    const init = { method: method.value, headers: {} };
    for (const line of headers.value.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) init.headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if (!["GET", "HEAD"].includes(method.value) && body.value) init.body = body.value;
    let target = path.value.startsWith("/") ? path.value : `/${path.value}`;
    if (query.value) target += `?${query.value.replace(/^\?/, "")}`;
    const started = performance.now();
    try {
      const response = await fetch(target, init);
      const text = await response.text();
      const took = performance.now() - started;
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
      clear(answer,
        h("p", {}, h("span", { class: `pill ${response.ok ? "ok" : "failed"}` }, String(response.status)),
          " ", response.statusText, h("span", { class: "muted" }, ` · ${ms(took)}`)),
        h("details", {}, h("summary", {}, "Response headers"),
          jsonView(Object.fromEntries(response.headers.entries()))),
        jsonView(shown || "(empty body)", { className: "json response-body" }));
    } catch (error) {
      clear(answer, h("p", { class: "error-line" }, error.message));
    }
  }

  return h("form", { class: "try", onsubmit: send },
    h("div", { class: "row" }, method, path, h("button", { type: "submit", class: "primary" }, "Send")),
    h("label", { class: "field" }, "Query", query),
    h("label", { class: "field" }, "Headers", headers),
    bodyRow, answer);
}

function tryWs() {
  const query = h("input", { type: "text", placeholder: "token=abc", "aria-label": "Query string for the connection", class: "mono" });
  const frame = h("textarea", { rows: "3", "aria-label": "Frame to send", class: "mono", placeholder: '{"action": "hello"}' });
  const log = h("ol", { class: "frames", "aria-live": "polite" });
  const state = h("span", { class: "pill" }, "closed");
  let socket = null;
  const note = (dir, text) => {
    log.append(h("li", { class: dir }, h("span", { class: "dir" }, dir === "out" ? "→" : dir === "in" ? "←" : "•"), text));
    log.scrollTop = log.scrollHeight;
  };
  const connectButton = h("button", { type: "button", class: "primary", onclick: toggle }, "Connect");
  const sendButton = h("button", { type: "submit", disabled: true }, "Send frame");

  function toggle() {
    if (socket) { socket.close(1000, "closed from the inspector"); return; }
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/${query.value ? `?${query.value.replace(/^\?/, "")}` : ""}`;
    socket = new WebSocket(url);
    state.textContent = "connecting";
    socket.onopen = () => { state.textContent = "open"; state.className = "pill ok"; connectButton.textContent = "Disconnect"; sendButton.disabled = false; note("info", `connected to ${url}`); };
    socket.onmessage = (event) => note("in", typeof event.data === "string" ? event.data : "(binary frame)");
    socket.onclose = (event) => {
      note("info", `closed: ${event.code}${event.reason ? ` ${event.reason}` : ""}`);
      socket = null; state.textContent = "closed"; state.className = "pill"; connectButton.textContent = "Connect"; sendButton.disabled = true;
    };
  }

  function send(event) {
    event.preventDefault();
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(frame.value);
    note("out", frame.value);
  }

  return h("form", { class: "try", onsubmit: send },
    h("div", { class: "row" }, connectButton, state, h("label", { class: "field inline grow" }, "Query", query)),
    h("label", { class: "field" }, "Frame", frame),
    h("div", { class: "row" }, sendButton),
    log);
}

export function routesView(section, live) {
  async function load() {
    let data;
    try { data = await api.get("/routes"); } catch (error) { toast(error.message, "error"); return; }
    const http = data.http.map((route) => {
      const details = h("details", { class: "route" },
        h("summary", {},
          h("span", { class: `method m-${route.method.toLowerCase()}` }, route.method),
          h("span", { class: "mono route-path" }, route.path),
          config(route.function)),
        tryHttp(route));
      return details;
    });
    const ws = data.ws.length ? [
      h("ul", { class: "ws-routes" }, data.ws.map((route) => h("li", {},
        h("span", { class: "mono" }, route.routeKey), " ", config(route.function)))),
      h("details", { class: "route", id: "ws-try" }, h("summary", {}, h("span", { class: "method m-ws" }, "WS"), "Open a connection from this page"), tryWs()),
    ] : [h("p", { class: "empty" }, "No @ws in the manifest.")];
    clear(section,
      h("h2", {}, "@http"),
      http.length ? h("div", { class: "routes" }, http) : h("p", { class: "empty" }, "No @http routes in the manifest."),
      h("h2", {}, "@ws"), ws);
  }
  let loaded = false;
  // the manifest changed: reload now if shown, else when next shown
  live.on("changed", ({ what }) => { if (what === "inventory") { loaded = !section.hidden; if (loaded) load(); } });
  return { show: () => { if (!loaded) { loaded = true; load(); } }, load };
}
