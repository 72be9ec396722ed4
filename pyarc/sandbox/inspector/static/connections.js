// WebSocket connections: every open one; send to one or all; disconnect (runs $disconnect).
import { api } from "./api.js";
import { clear, h, keepingInputs, throttled, toast } from "./dom.js";

export function connectionsView(section, live) {
  const everyone = h("input", { type: "text", class: "grow mono", "aria-label": "Message to every connection", placeholder: '{"hello": "everyone"}' });
  const table = h("div", { class: "conn-list" });

  async function send(path, data) {
    try {
      const answer = await api.post(path, { data });
      toast(`Sent to ${answer.sent} connection${answer.sent === 1 ? "" : "s"}.`);
    } catch (error) { toast(error.message, "error"); }
  }

  async function load() {
    let data;
    try { data = await api.get("/connections"); } catch (error) { toast(error.message, "error"); return; }
    if (!data.connections.length) {
      clear(table, h("p", { class: "empty" }, "No open WebSocket connections. Open one from Routes → @ws, or from your app."));
      return;
    }
    keepingInputs(table, () => clear(table, data.connections.map((c) => {
      const input = h("input", { type: "text", class: "grow mono", "aria-label": `Message to ${c.connectionId}`, placeholder: "frame text", dataset: { keep: `message-${c.connectionId}` } });
      return h("article", { class: "card conn", dataset: { connectionId: c.connectionId } },
        h("header", {}, h("span", { class: "mono strong" }, c.connectionId),
          h("span", { class: "spacer" }),
          h("button", { type: "button", class: "danger", dataset: { keep: `disconnect-${c.connectionId}` }, onclick: async () => {
            try { await api.del(`/connections/${encodeURIComponent(c.connectionId)}`); toast(`Disconnected ${c.connectionId}.`); load(); }
            catch (error) { toast(error.message, "error"); }
          } }, "Disconnect")),
        h("dl", { class: "facts" },
          h("dt", {}, "Connected"), h("dd", {}, new Date(c.connectedAt).toLocaleTimeString()),
          h("dt", {}, "Last active"), h("dd", {}, new Date(c.lastActiveAt).toLocaleTimeString()),
          h("dt", {}, "Source"), h("dd", {}, `${c.sourceIp} · ${c.userAgent || "no user agent"}`),
          h("dt", {}, "Query"), h("dd", { class: "mono" }, Object.keys(c.query).length ? new URLSearchParams(c.query).toString() : "none")),
        h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); send(`/connections/${encodeURIComponent(c.connectionId)}/messages`, input.value); } },
          input, h("button", { type: "submit", dataset: { keep: `send-${c.connectionId}` } }, "Send")));
    })));
  }

  clear(section,
    h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); send("/connections/messages", everyone.value).then(load); } },
      everyone, h("button", { type: "submit", class: "primary" }, "Send to all")),
    table);

  // connections come and go with $connect / $disconnect invocations, or without handlers
  const loadSoon = throttled(() => { if (!section.hidden) load(); }, 300);
  live.on("invocation", (row) => { if (row.kind === "ws" && !row.running) loadSoon(); });
  live.on("changed", ({ what }) => { if (what === "connections") loadSoon(); });
  return { show: load, load, poll: true };
}
