// Tables: keys, indexes, TTL, counts; scan/query paginated; put, edit, delete; export; reset.
import { api } from "./api.js";
import { bytes, clear, h, jsonView, parseJson, toast } from "./dom.js";

function keyText(schema) {
  return schema.map((k) => `${k.AttributeName} (${k.KeyType === "HASH" ? "partition" : "sort"})`).join(", ");
}

export function tablesView(section, live) {
  let tables = [];
  let current = null;
  let pages = []; // start keys of the pages before this one
  let nextKey = null;
  let startKey = null;

  const picker = h("select", { "aria-label": "Table", id: "table-picker" });
  const facts = h("div", { class: "table-facts" });
  const index = h("select", { "aria-label": "Index" });
  const keyCondition = h("input", { type: "text", class: "mono", placeholder: "id = :id", "aria-label": "Key condition (makes it a Query)" });
  const filter = h("input", { type: "text", class: "mono", placeholder: "attribute_exists(done)", "aria-label": "Filter expression" });
  const values = h("input", { type: "text", class: "mono", placeholder: '{":id": "a"}', "aria-label": "Expression values (JSON)" });
  const names = h("input", { type: "text", class: "mono", placeholder: '{"#n": "name"}', "aria-label": "Expression names (JSON)" });
  const dynamo = h("input", { type: "checkbox", id: "dynamodb-json" });
  const results = h("div", { class: "items", "aria-live": "polite" });
  const pager = h("div", { class: "row pager" });
  const editor = h("textarea", { rows: "10", class: "mono", "aria-label": "Item JSON", id: "item-editor" });
  const dialog = h("dialog", { class: "editor" },
    h("form", { method: "dialog", onsubmit: save },
      h("h3", {}, "Item"),
      h("p", { class: "muted" }, "Plain JSON (or DynamoDB JSON when that box is ticked). Saving writes it with PutItem, checked as the endpoint checks every request."),
      editor,
      h("div", { class: "row" }, h("span", { class: "spacer" }),
        h("button", { type: "button", class: "ghost", onclick: () => dialog.close() }, "Cancel"),
        h("button", { type: "submit", class: "primary", value: "save" }, "Save item"))));

  const format = () => (dynamo.checked ? "dynamodb" : "plain");

  async function loadTables() {
    try { tables = (await api.get("/tables")).tables; } catch (error) { toast(error.message, "error"); return; }
    const keep = current?.name;
    clear(picker, tables.map((t) => h("option", { value: t.name }, `${t.name} (${t.itemCount})`)));
    const preferred = tables.find((t) => t.name === keep) || tables.find((t) => t.env === "staging") || tables[0];
    if (preferred) { picker.value = preferred.name; choose(preferred.name, Boolean(keep)); }
    else clear(results, h("p", { class: "empty" }, "No tables: add @tables to the manifest."));
  }

  function choose(name, keepQuery = false) {
    current = tables.find((t) => t.name === name);
    if (!current) return;
    clear(facts,
      h("dl", { class: "facts" },
        h("dt", {}, "Keys"), h("dd", {}, keyText(current.keySchema)),
        h("dt", {}, "Indexes"), h("dd", {}, current.indexes.length ? current.indexes.map((i) => `${i.name}: ${keyText(i.keySchema)}`).join("; ") : "none"),
        h("dt", {}, "TTL"), h("dd", {}, current.ttl || "off"),
        h("dt", {}, "Stream"), h("dd", {}, current.stream || "off"),
        h("dt", {}, "Items"), h("dd", {}, `${current.itemCount} · ${bytes(current.sizeBytes)}`)));
    clear(index, h("option", { value: "" }, "table"), current.indexes.map((i) => h("option", { value: i.name }, i.name)));
    exportLink.href = `/_pyarc/api/tables/${encodeURIComponent(current.name)}/export`;
    if (!keepQuery) { pages = []; startKey = null; }
    run();
  }

  async function run() {
    if (!current) return;
    let body;
    try {
      body = {
        table: current.name, index: index.value || undefined, keyCondition: keyCondition.value || undefined,
        filter: filter.value || undefined, values: parseJson(values.value, "Expression values"),
        names: parseJson(names.value, "Expression names"), format: format(), startKey: startKey || undefined,
      };
    } catch (error) { toast(error.message, "error"); return; }
    let answer;
    try { answer = await api.post("/tables/items", body); } catch (error) { clear(results, h("p", { class: "error-line" }, error.message)); return; }
    nextKey = answer.nextKey;
    clear(results,
      answer.items.length ? answer.items.map(itemCard) : h("p", { class: "empty" }, "No items match."));
    clear(pager,
      h("span", { class: "muted" }, `${answer.operation}: ${answer.count} items (${answer.scannedCount} read)`),
      h("span", { class: "spacer" }),
      h("button", { type: "button", disabled: !pages.length, onclick: () => { startKey = pages.pop() || null; run(); } }, "← Previous"),
      h("button", { type: "button", disabled: !nextKey, onclick: () => { pages.push(startKey); startKey = nextKey; run(); } }, "Next →"));
  }

  function keyOf(item) {
    const key = {};
    for (const k of current.keySchema) key[k.AttributeName] = item[k.AttributeName];
    return key;
  }

  function itemCard(item) {
    return h("article", { class: "card item" },
      jsonView(item),
      h("div", { class: "row" }, h("span", { class: "spacer" }),
        h("button", { type: "button", onclick: () => edit(item) }, "Edit"),
        h("button", { type: "button", class: "danger", onclick: () => remove(item) }, "Delete")));
  }

  function edit(item) {
    editor.value = JSON.stringify(item, null, 2);
    dialog.showModal();
    editor.focus();
  }

  async function save(event) {
    event.preventDefault();
    let item;
    try { item = parseJson(editor.value, "The item"); } catch (error) { toast(error.message, "error"); return; }
    try {
      await api.put("/tables/items", { table: current.name, item, format: format() });
    } catch (error) { toast(error.message, "error"); return; }
    dialog.close();
    toast("Item saved.");
    loadTables();
  }

  async function remove(item) {
    if (!confirm("Delete this item?")) return;
    try { await api.post("/tables/items/delete", { table: current.name, key: keyOf(item), format: format() }); }
    catch (error) { toast(error.message, "error"); return; }
    toast("Item deleted.");
    loadTables();
  }

  async function reset() {
    if (!confirm("Empty every table and load the seed data again?")) return;
    try { await api.post("/tables/reset"); } catch (error) { toast(error.message, "error"); return; }
    toast("Tables reset to the seed.");
    current = null;
    loadTables();
  }

  // what handlers (or boto3) write shows without a click; an item being edited is left alone
  live.on("changed", ({ what }) => {
    if (what === "tables" && !section.hidden && !dialog.open) loadTables();
  });
  picker.addEventListener("change", () => choose(picker.value));
  dynamo.addEventListener("change", run);
  const exportLink = h("a", { class: "button ghost", href: "#", download: "" }, "Export JSON");

  clear(section,
    h("div", { class: "toolbar" }, picker,
      h("button", { type: "button", class: "primary", onclick: () => { if (current) edit(Object.fromEntries(current.keySchema.map((k) => [k.AttributeName, ""]))); } }, "New item"),
      exportLink,
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "danger", onclick: reset }, "Reset to seed")),
    facts,
    h("form", { class: "query", onsubmit: (e) => { e.preventDefault(); pages = []; startKey = null; run(); } },
      h("label", { class: "field" }, "Index", index),
      h("label", { class: "field" }, "Key condition", keyCondition),
      h("label", { class: "field" }, "Filter", filter),
      h("label", { class: "field" }, "Values", values),
      h("label", { class: "field" }, "Names", names),
      h("div", { class: "row" },
        h("label", { class: "check" }, dynamo, " DynamoDB JSON"),
        h("span", { class: "spacer" }),
        h("button", { type: "submit", class: "primary" }, "Run"))),
    pager, results, dialog);

  return { show: loadTables, load: loadTables };
}
