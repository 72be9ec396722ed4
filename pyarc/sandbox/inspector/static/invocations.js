// Invocations, live: every function call, newest first; click one for its detail.
import { api } from "./api.js";
import { clear, clock, h, jsonView, ms, throttled, toast } from "./dom.js";

const KEEP = 600; // rows the page holds: the sandbox keeps 500 finished ones, plus running ones
const KIND_LABEL = {
  http: "HTTP", ws: "WS", events: "event", queues: "queue", scheduled: "schedule",
  "tables-streams": "stream",
};

export function invocationsView(section, live) {
  const rows = new Map(); // id -> summary
  let selected = null; // id shown in the detail pane
  let detail = null; // its full record

  const functionFilter = h("select", { "aria-label": "Filter by function", id: "filter-function" },
    h("option", { value: "" }, "All functions"));
  const failedOnly = h("input", { type: "checkbox", id: "filter-failed" });
  const count = h("span", { class: "muted count" });
  const list = h("ol", { class: "inv-list", "aria-label": "Invocations, newest first" });
  const empty = h("p", { class: "empty" },
    "No invocations yet. Call a route, send a WebSocket message or publish an event; it appears here as it happens.");
  const pane = h("aside", { class: "inv-detail", "aria-label": "Invocation detail", hidden: true });

  clear(section,
    h("div", { class: "toolbar" },
      functionFilter,
      h("label", { class: "check" }, failedOnly, " Failures only"),
      count,
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "ghost", onclick: forget }, "Clear")),
    h("div", { class: "split" }, h("div", { class: "inv-main" }, empty, list), pane));

  functionFilter.addEventListener("change", render);
  failedOnly.addEventListener("change", render);
  list.addEventListener("keydown", (event) => {
    const items = [...list.querySelectorAll("button.inv-row")];
    const at = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "j") { items[Math.min(at + 1, items.length - 1)]?.focus(); event.preventDefault(); }
    if (event.key === "ArrowUp" || event.key === "k") { items[Math.max(at - 1, 0)]?.focus(); event.preventDefault(); }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !pane.hidden && !section.hidden) close();
  });

  function visible(row) {
    if (functionFilter.value && row.function !== functionFilter.value) return false;
    if (failedOnly.checked && row.ok !== false) return false;
    return true;
  }

  function addFunctionOption(name) {
    if ([...functionFilter.options].some((o) => o.value === name)) return;
    functionFilter.append(h("option", { value: name }, name));
  }

  function rowNode(row) {
    const status = row.running ? "running" : row.ok ? "ok" : "failed";
    return h("li", { dataset: { id: row.id } },
      h("button", {
        type: "button", class: `inv-row ${status}${row.id === selected ? " selected" : ""}`,
        "aria-label": `${row.trigger}, ${row.status}`, onclick: () => open(row.id),
      },
      h("span", { class: "inv-time" }, clock(row.startedAt)),
      h("span", { class: `kind kind-${row.kind}` }, KIND_LABEL[row.kind] || row.kind),
      h("span", { class: "inv-trigger" }, row.trigger),
      h("span", { class: "inv-fn muted" }, row.function),
      h("span", { class: `pill ${status}` }, row.status),
      h("span", { class: "inv-ms" }, ms(row.durationMs)),
      h("span", { class: `start ${row.cold ? "cold" : "warm"}` }, row.running ? "" : row.cold ? "cold" : "warm")));
  }

  function render() {
    const shown = [...rows.values()].sort((a, b) => b.id - a.id).filter(visible);
    clear(list, shown.map(rowNode));
    empty.hidden = rows.size > 0;
    count.textContent = `${shown.length} of ${rows.size}`;
  }

  let loaded = false;
  async function load() {
    loaded = true;
    const data = await api.get("/invocations");
    rows.clear();
    for (const row of data.invocations) { rows.set(row.id, row); addFunctionOption(row.function); }
    render();
  }

  async function open(id) {
    selected = id;
    render();
    try {
      detail = await api.get(`/invocations/${id}`);
    } catch (error) { toast(error.message, "error"); return; }
    showDetail();
  }

  function close() {
    selected = null; detail = null; pane.hidden = true; render();
    list.querySelector("button.inv-row")?.focus();
  }

  function showDetail() {
    if (!detail) return;
    const d = detail;
    const error = d.error ? h("section", { class: "block error-block" },
      h("h3", {}, "Error"),
      h("p", { class: "error-line" }, `${d.error.errorType}: ${d.error.errorMessage}`),
      d.error.hint ? h("p", { class: "hint" }, d.error.hint) : null,
      d.error.stackTrace.length ? h("pre", { class: "trace" }, "Traceback (most recent call last):\n" + d.error.stackTrace.join("")) : null)
      : null;
    const output = h("pre", { class: "output", id: "detail-output", tabindex: "0" },
      d.output.length ? d.output.join("\n") : "(nothing printed)");
    clear(pane,
      h("div", { class: "detail-head" },
        h("h2", {}, d.trigger),
        h("button", { type: "button", class: "icon-button", "aria-label": "Close detail", onclick: close }, "✕")),
      h("dl", { class: "facts" },
        h("dt", {}, "Function"), h("dd", {}, d.function),
        h("dt", {}, "Status"), h("dd", {}, h("span", { class: `pill ${d.running ? "running" : d.ok ? "ok" : "failed"}` }, d.status)),
        h("dt", {}, "Duration"), h("dd", {}, d.running ? "running" : `${ms(d.durationMs)} (${d.cold ? "cold start" : "warm"})`),
        h("dt", {}, "Started"), h("dd", {}, new Date(d.startedAt * 1000).toLocaleString()),
        h("dt", {}, "Request id"), h("dd", { class: "mono" }, d.requestId || "…")),
      error,
      h("section", { class: "block" }, h("h3", {}, "Output ", h("span", { class: "muted" }, "stdout, stderr, logging")),
        output,
        d.outputShared ? h("p", { class: "hint" }, "Other invocations of this function ran at the same time; some lines may be theirs.") : null,
        d.outputDropped ? h("p", { class: "hint" }, `${d.outputDropped} more lines not kept.`) : null),
      h("section", { class: "block" }, h("h3", {}, "Event"), jsonView(d.event)),
      h("section", { class: "block" }, h("h3", {}, "Returned"), d.ok ? jsonView(d.result) : h("p", { class: "muted" }, d.running ? "still running" : "nothing (the invocation failed)")));
    pane.hidden = false;
  }

  async function forget() {
    try { await api.del("/invocations"); } catch (error) { toast(error.message, "error"); return; }
    rows.clear(); close(); render();
  }

  const renderSoon = throttled(() => { if (!section.hidden) render(); }, 100);
  live.on("invocation", (row) => {
    const fresh = !rows.has(row.id);
    rows.set(row.id, row);
    addFunctionOption(row.function);
    if (fresh && rows.size > KEEP) rows.delete(Math.min(...rows.keys()));
    renderSoon();
    if (row.id === selected && !row.running) open(row.id);
  });
  live.on("output", ({ id, line }) => {
    if (id !== selected || !detail) return;
    detail.output.push(line);
    const node = pane.querySelector("#detail-output");
    if (node) node.textContent = detail.output.join("\n");
  });
  live.on("changed", ({ what }) => { if (what === "invocations") load(); });
  live.on("resync", load);

  // every function of the app is offered, not only those that ran
  const offer = (keys) => keys.forEach(addFunctionOption);
  return { show: () => (loaded ? render() : load()), load, offer };
}
