// Cage Socket client: opens the WebSocket, draws one caged bird per open
// connection, and turns yours when you press a button (or an arrow key).
//
// Server frames: {"type": "welcome", "you", "connections"}, {"type": "state",
// "cause", "connections"}, {"type": "error", "error", "message"}. Each connection has
// an "id", "direction", "colour" (an index into PALETTE) and "name", chosen by the server
// so tabs get different colours; this tab keeps its own in sessionStorage and asks for
// them again when it reconnects (or reloads).

const DIRECTIONS = ["left", "center", "right"];
const DIRECTION_WORDS = { left: "looking left", center: "looking ahead", right: "looking right" };
const PALETTE = [
  ["#f4a259", "#c7683a", "#fff6e6"],
  ["#6fb3a8", "#3f8177", "#eef8f5"],
  ["#e76f6f", "#b44a4a", "#fff0ee"],
  ["#8fb85b", "#5e8a34", "#f3f9e9"],
  ["#6d8fd6", "#4763a8", "#eef2fc"],
  ["#e9c046", "#c09420", "#fffae6"],
  ["#b07cc6", "#82529a", "#f7eefb"],
  ["#f08bb0", "#c45d85", "#fff0f5"],
];
const BIRD_KEY = "cage-socket-bird"; // sessionStorage: {"tab", "colour", "name"} of this tab

const page = document.body.dataset;
const aviary = document.querySelector("#aviary");
const statusBadge = document.querySelector("#status");
const countBadge = document.querySelector("#count");
const emptyNote = document.querySelector("#empty");
const toast = document.querySelector("#toast");
const buttons = [...document.querySelectorAll(".controls button")];

let birdArt = null; // the parsed <svg> from /_static/bird.svg, cloned for each card
let socket = null;
let myId = null;
let myDirection = "center";
let attempts = 0;
let reconnectTimer = null;
let toastTimer = null;

function hash(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

async function loadArt() {
  try {
    const response = await fetch(page.birdSvg);
    if (!response.ok) throw new Error(`${page.birdSvg} answered ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
    if (doc.documentElement.localName !== "svg") throw new Error(`${page.birdSvg} is not SVG`);
    return document.importNode(doc.documentElement, true);
  } catch (error) {
    showError(`Could not load the bird drawing (${error.message}); showing plain circles.`);
    const fallback = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    fallback.setAttribute("viewBox", "0 0 200 240");
    fallback.classList.add("bird-art");
    fallback.innerHTML = '<g class="head"><circle class="plumage" cx="100" cy="120" r="60"/></g>';
    return fallback;
  }
}

function makeCard(connection) {
  const card = document.createElement("figure");
  card.className = "cage-card";
  card.dataset.connectionId = connection.id;
  card.style.setProperty("--blink-delay", `${(hash(connection.id) % 5000) / 1000}s`);
  card.append(birdArt.cloneNode(true));
  const caption = document.createElement("figcaption");
  const name = document.createElement("span");
  name.className = "name";
  const looking = document.createElement("span");
  looking.className = "looking";
  caption.append(name, looking);
  card.append(caption);
  return card;
}

// Colour and name come with every frame (a bird seen before its hello has none yet).
function dress(card, connection) {
  const colour = Number.isInteger(connection.colour) ? connection.colour : null;
  card.dataset.colour = colour ?? "";
  const [plumage, dark, air] = PALETTE[(colour ?? 0) % PALETTE.length];
  card.style.setProperty("--plumage", plumage);
  card.style.setProperty("--plumage-dark", dark);
  card.style.setProperty("--air", air);
  card.querySelector(".name").textContent = connection.name ?? "";
}

function savedBird() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(BIRD_KEY) ?? "null");
    return saved && typeof saved === "object" ? saved : {};
  } catch {
    return {};
  }
}

// This tab's own id: the server does not count the tab's previous, not yet closed socket
// as another bird holding the colour and name it asks for again.
const TAB_ID = savedBird().tab ?? (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`.replace(".", ""));

function saveBird(connection) {
  if (!connection || connection.colour == null || !connection.name) return;
  const bird = { tab: TAB_ID, colour: connection.colour, name: connection.name };
  try {
    sessionStorage.setItem(BIRD_KEY, JSON.stringify(bird));
  } catch {
    // storage disabled: the bird is simply re-dressed after a reconnect
  }
}

function render(connections) {
  const wanted = new Set(connections.map((c) => c.id));
  for (const card of aviary.querySelectorAll(".cage-card")) {
    if (!wanted.has(card.dataset.connectionId)) card.remove();
  }
  connections.forEach((connection, index) => {
    let card = aviary.querySelector(`[data-connection-id="${CSS.escape(connection.id)}"]`);
    if (!card) card = makeCard(connection);
    dress(card, connection);
    const mine = connection.id === myId;
    const direction = mine ? myDirection : connection.direction;
    card.dataset.direction = direction;
    card.classList.toggle("mine", mine);
    card.querySelector(".looking").textContent = DIRECTION_WORDS[direction];
    let badge = card.querySelector(".badge");
    if (mine && !badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "You";
      card.append(badge);
    } else if (!mine && badge) {
      badge.remove();
    }
    if (aviary.children[index] !== card) aviary.insertBefore(card, aviary.children[index] ?? null);
  });
  const n = connections.length;
  countBadge.textContent = `${n} ${n === 1 ? "bird" : "birds"} in the aviary`;
  emptyNote.hidden = n > 0;
}

function showDirection(direction) {
  myDirection = direction;
  let pressed = null;
  for (const button of buttons) {
    const on = button.dataset.direction === direction;
    button.setAttribute("aria-pressed", String(on));
    if (on) pressed = button;
  }
  // A key press makes the focused button show its focus ring; when that is the button the
  // mouse clicked before, two buttons would look selected. Focus follows the selection.
  if (buttons.includes(document.activeElement) && document.activeElement !== pressed) {
    pressed.focus();
  }
  const card = myId && aviary.querySelector(`[data-connection-id="${CSS.escape(myId)}"]`);
  if (card) {
    card.dataset.direction = direction;
    card.querySelector(".looking").textContent = DIRECTION_WORDS[direction];
  }
}

function turn(direction) {
  if (!DIRECTIONS.includes(direction)) return;
  showDirection(direction); // at once, locally; the broadcast confirms it for everyone else
  send({ action: "direction", direction });
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function setStatus(state, text) {
  statusBadge.dataset.state = state;
  statusBadge.textContent = text;
  aviary.dataset.stale = String(state !== "live");
}

function showError(message) {
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
}

function onFrame(event) {
  let frame;
  try {
    frame = JSON.parse(event.data);
  } catch {
    return; // not ours to understand
  }
  if (frame.type === "welcome") {
    myId = frame.you;
    attempts = 0;
    setStatus("live", "Live");
    saveBird(frame.connections.find((c) => c.id === myId));
    render(frame.connections);
    // After a reconnect, put the bird back where its owner last pointed it.
    if (myDirection !== "center") send({ action: "direction", direction: myDirection });
  } else if (frame.type === "state") {
    render(frame.connections);
  } else if (frame.type === "error") {
    showError(frame.message);
  }
}

function connect() {
  clearTimeout(reconnectTimer);
  const url = page.wssUrl || location.origin.replace(/^http/, "ws");
  socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    const { colour, name } = savedBird();
    const hello = { action: "hello", tab: TAB_ID };
    if (Number.isInteger(colour)) hello.colour = colour;
    if (typeof name === "string") hello.name = name;
    send(hello);
  });
  socket.addEventListener("message", onFrame);
  socket.addEventListener("close", () => {
    myId = null;
    socket = null;
    const delay = Math.min(8000, 400 * 2 ** attempts) * (0.75 + Math.random() / 2);
    attempts += 1;
    setStatus("reconnecting", "Reconnecting\u2026");
    reconnectTimer = setTimeout(connect, delay);
  });
}

for (const button of buttons) {
  button.addEventListener("click", () => turn(button.dataset.direction));
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const direction = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "center", ArrowDown: "center" }[event.key];
  if (direction) {
    event.preventDefault();
    turn(direction);
  }
});

// Back online, or back to a tab the browser had frozen: try now rather than after the back-off.
window.addEventListener("online", () => { if (!socket) connect(); });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && !socket) connect();
});

birdArt = await loadArt();
connect();
