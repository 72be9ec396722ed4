// Events, queues, schedules, streams: publish, depth, fire now, recent stream records.
import { api } from "./api.js";
import { clear, clock, h, jsonView, keepingInputs, relative, throttled, toast } from "./dom.js";

function payloadEditor(key, label, placeholder, onSend) {
  const text = h("textarea", { rows: "3", class: "mono", "aria-label": label, placeholder, dataset: { keep: key } });
  return h("form", { class: "publish", onsubmit: (e) => { e.preventDefault(); onSend(text.value); } },
    text, h("div", { class: "row" }, h("span", { class: "spacer" }), h("button", { type: "submit", class: "primary", dataset: { keep: `${key}-publish` } }, "Publish")));
}

// JSON when it parses (sent as its JSON text), else the text as typed
function asPayload(text) {
  try { return JSON.parse(text); } catch { return text; }
}

export function busView(section, live) {
  async function act(work, done) {
    try { const answer = await work(); toast(done(answer)); load(); } catch (error) { toast(error.message, "error"); }
  }

  async function load() {
    let data;
    try { data = await api.get("/bus"); } catch (error) { toast(error.message, "error"); return; }
    const failed = (n) => (n ? h("span", { class: "pill failed" }, `${n} failed`) : null);
    const delivery = (t) => [
      t.retried ? h("span", { class: "pill running" }, `${t.retried} retried`) : null,
      t.dropped ? h("span", { class: "pill failed" }, `${t.dropped} dropped`) : null,
    ];
    section.dataset.renders = String(Number(section.dataset.renders || 0) + 1); // tests follow it
    keepingInputs(section, () => clear(section, h("div", { class: "bus-grid" },
      h("div", {}, h("h2", {}, "@events"),
      data.events.length ? h("div", { class: "cards" }, data.events.map((e) => h("article", { class: "card", dataset: { event: e.name } },
        h("header", {}, h("span", { class: "strong" }, e.name), h("span", { class: "muted mono" }, e.function.folder), failed(e.failedInvocations), delivery(e)),
        payloadEditor(`event-${e.name}`, `Message for ${e.name}`, '{"hello": "world"}', (text) => act(
          () => api.post(`/events/${encodeURIComponent(e.name)}`, { message: asPayload(text) }),
          (a) => `Published ${a.messageId} to ${e.name}.`))))) : h("p", { class: "empty" }, "No @events.")),
      h("div", {}, h("h2", {}, "@queues"),
      data.queues.length ? h("div", { class: "cards" }, data.queues.map((q) => h("article", { class: "card", dataset: { queue: q.name } },
        h("header", {}, h("span", { class: "strong" }, q.name), h("span", { class: "muted" }, q.fifo ? "FIFO" : "standard"), failed(q.failedInvocations), delivery(q)),
        h("dl", { class: "facts" },
          h("dt", {}, "Waiting"), h("dd", { class: "depth" }, String(q.counts ? q.counts.visible : 0)),
          h("dt", {}, "In flight"), h("dd", {}, String(q.counts ? q.counts.not_visible : 0)),
          h("dt", {}, "Delayed"), h("dd", {}, String(q.counts ? q.counts.delayed : 0))),
        payloadEditor(`queue-${q.name}`, `Message for ${q.name}`, '{"job": 1}', (text) => act(
          () => api.post(`/queues/${encodeURIComponent(q.name)}`, { body: asPayload(text) }),
          (a) => `Sent ${a.messageId} to ${q.name}.`))))) : h("p", { class: "empty" }, "No @queues.")),
      h("div", {}, h("h2", {}, "@scheduled"),
      data.schedules.length ? h("div", { class: "cards" }, data.schedules.map((s) => h("article", { class: "card", dataset: { schedule: s.name } },
        h("header", {}, h("span", { class: "strong" }, s.name), h("span", { class: "mono" }, s.expression + (s.timezone ? ` ${s.timezone}` : "")), failed(s.failedInvocations)),
        h("p", { class: "muted" }, s.running ? `Next fire ${relative(s.nextFire)}` : "Schedules are not running in this sandbox; fire it by hand."),
        h("div", { class: "row" }, h("span", { class: "spacer" }),
          h("button", { type: "button", class: "primary", dataset: { keep: `fire-${s.name}` }, onclick: () => act(
            () => api.post(`/schedules/${encodeURIComponent(s.name)}/fire`),
            () => `Fired ${s.name}; it shows in Invocations.`) }, "Fire now"))))) : h("p", { class: "empty" }, "No @scheduled.")),
      h("div", {}, h("h2", {}, "@tables-streams"),
      data.streams.length ? h("ul", { class: "ws-routes" }, data.streams.map((s) => h("li", {}, h("span", { class: "strong" }, s.table), " → ", h("span", { class: "mono" }, s.function.folder), " ", failed(s.failedInvocations), delivery(s)))) : h("p", { class: "empty" }, "No @tables-streams."),
      data.streamRecords.length ? h("details", { class: "route", dataset: { keep: "stream-records" } }, h("summary", {}, `Recent stream records (${data.streamRecords.length})`),
        data.streamRecords.map((r) => h("div", { class: "record" }, h("p", {}, h("span", { class: "pill" }, r.eventName), " ", h("span", { class: "mono" }, JSON.stringify(r.dynamodb?.Keys || {}))), jsonView(r)))) : null),
      data.deliveryNotes.length ? h("div", { class: "wide" }, h("h2", {}, "Retries and drops"),
        h("ol", { class: "frames notes" }, data.deliveryNotes.map((n) => h("li", {},
          h("span", { class: "dir" }, clock(n.at)), n.message)))) : null)));
  }

  const loadSoon = throttled(() => { if (!section.hidden) load(); }, 500);
  live.on("invocation", (row) => { if (!row.running && row.kind !== "http" && row.kind !== "ws") loadSoon(); });
  live.on("changed", ({ what }) => { if (what === "bus") loadSoon(); });
  return { show: load, load, poll: true };
}
