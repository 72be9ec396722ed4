// The inspector page: tabs, theme, live status; each section lives in its own module.
import { api, live as connectLive } from "./api.js";
import { busView } from "./bus.js";
import { connectionsView } from "./connections.js";
import { invocationsView } from "./invocations.js";
import { routesView } from "./routes.js";
import { tablesView } from "./tables.js";

const POLL_MS = 3000; // queue depth and connections' last activity change without invocations

const live = connectLive();
const section = (name) => document.getElementById(`view-${name}`);
const views = {
  invocations: invocationsView(section("invocations"), live),
  routes: routesView(section("routes"), live),
  connections: connectionsView(section("connections"), live),
  tables: tablesView(section("tables"), live),
  bus: busView(section("bus"), live),
};
const tabs = [...document.querySelectorAll('[role="tab"]')];
let current = null;
let poller = 0;

function show(name, focus = false) {
  if (!views[name]) name = "invocations";
  current = name;
  for (const tab of tabs) {
    const selected = tab.dataset.view === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    section(tab.dataset.view).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  views[name].show();
  clearInterval(poller);
  if (views[name].poll) poller = setInterval(() => { if (!document.hidden) views[name].load(); }, POLL_MS);
}

for (const tab of tabs) {
  tab.addEventListener("click", () => show(tab.dataset.view));
  tab.addEventListener("keydown", (event) => {
    const at = tabs.indexOf(tab);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    show(tabs[(next + tabs.length) % tabs.length].dataset.view, true);
  });
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select, dialog")) return;
  const digit = Number(event.key);
  if (digit >= 1 && digit <= tabs.length && !event.ctrlKey && !event.metaKey && !event.altKey) {
    show(tabs[digit - 1].dataset.view, true);
  }
});

// theme: the system's unless chosen here (kept in localStorage; theme.js applies it)
const root = document.documentElement;
document.getElementById("theme").addEventListener("click", () => {
  const dark = root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = dark ? "light" : "dark";
  localStorage.setItem("pyarc-theme", root.dataset.theme);
});

const badge = document.getElementById("live");
let wasOffline = false;
live.status((state) => {
  badge.textContent = state === "live" ? "live" : "offline";
  badge.dataset.state = state;
  if (state === "live" && wasOffline) { views.invocations.load(); views[current].show(); }
  wasOffline = state !== "live";
});

function overview() {
  api.get("/overview").then((o) => {
    document.getElementById("app-name").textContent = o.app;
    views.invocations.offer(o.functions);
    document.title = `${o.app} · pyarc inspector`;
  }).catch(() => {});
}
live.on("changed", ({ what }) => { if (what === "inventory") overview(); });
overview();
show(location.hash.slice(1) || "invocations");
