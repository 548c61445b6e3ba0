// Re-Center Coach studio: plain JavaScript, no build step, nothing loaded from elsewhere.
"use strict";

const state = { overview: null, page: null, current: null, play: null };
const tab = sessionStorage.getItem("studio-tab") ||
  (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
sessionStorage.setItem("studio-tab", tab);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function call(method, url, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const data = await response.json();
  return { ok: response.ok, data };
}

function say(text) { document.getElementById("status").textContent = text; }
function locale() { return document.getElementById("locale").value; }

// --- the menu ------------------------------------------------------------------------------

async function loadOverview() {
  const { data } = await call("GET", "/api/overview");
  state.overview = data;
  const groups = document.getElementById("groups");
  groups.replaceChildren();
  for (const group of data.groups) {
    const list = el("ul", { class: "rows" });
    for (const entry of group.entries) {
      const badges = [];
      if (entry.errors) badges.push(el("span", { class: "badge error", text: `${entry.errors} error(s)` }));
      if (entry.warnings) badges.push(el("span", { class: "badge warning", text: `${entry.warnings} warning(s)` }));
      list.append(el("li", {}, el("button", {
        type: "button", class: "entry", "data-entry": entry.id,
        "aria-current": state.current === entry.id ? "page" : null,
        onclick: () => openPage(entry.id),
      }, el("span", { text: entry.title }), ...badges)));
    }
    groups.append(el("h2", { text: group.title }), list);
  }
  const usable = data.usable ? `content version ${data.version}` : "the content has errors: the bot would not start";
  say(`${usable}; ${data.errors} error(s), ${data.warnings} warning(s) (as coachbot check --strict reports them).`);
}

function entryOf(path) {
  // content/es/dialogues/x.yaml -> dialogues/x.yaml
  return path.split("/").slice(2).join("/");
}

function problemList(problems) {
  if (!problems.length) return null;
  return el("ul", { class: "problems" }, problems.map((p) =>
    el("li", { class: `problem ${p.severity}` }, p.text)));
}

function showOverview() {
  state.current = null;
  markCurrent();
  const data = state.overview;
  const page = document.getElementById("page");
  const items = data.problems.map((p) => {
    const target = entryOf(p.path);
    const known = data.groups.some((g) => g.entries.some((e) => e.id === target));
    return el("li", { class: `problem ${p.severity}` }, p.text, " ",
      known ? el("button", { type: "button", onclick: () => openPage(target), text: "Open" }) : null);
  });
  page.replaceChildren(
    el("h2", { text: "Overview" }),
    el("p", { text: "Choose a dialogue, a guidance topic, the prompts or the interface strings on the left. " +
      "Every text can be edited in place; a change is checked before it is saved, and refused if it would break the bot." }),
    el("h3", { text: items.length ? `All problems (${items.length})` : "No problems: coachbot check --strict passes." }),
    items.length ? el("ul", { class: "problems", id: "all-problems" }, items) : null,
  );
}

function markCurrent() {
  for (const button of document.querySelectorAll("[data-entry]")) {
    if (button.dataset.entry === state.current) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
}

// --- one file's page -----------------------------------------------------------------------

async function openPage(id, keepFocus) {
  const { ok, data } = await call("GET", `/api/page?id=${encodeURIComponent(id)}`);
  if (!ok) { say(data.reason); return; }
  state.page = data;
  state.current = id;
  markCurrent();
  renderPage();
  if (!keepFocus) document.getElementById("main").focus();
}

function renderPage() {
  const data = state.page;
  const page = document.getElementById("page");
  const head = [el("h2", { id: "page-title", text: data.title }), el("p", { class: "where", text: data.file })];
  if (data.playable) {
    head.push(el("button", { type: "button", class: "primary", id: "play-start",
      onclick: () => play({ action: "start", dialogue: data.dialogue }), text: "Play from the start" }));
  }
  const statuses = data.locales.map((code) => `${code}: ${data.files[code].exists ? data.files[code].status : "not translated"}`);
  const files = el("details", { class: "reviews" }, el("summary", { text: `Review and translation (${statuses.join(", ")})` }),
    el("div", { class: "files" }, data.locales.map((code) => reviewBox(code, data.files[code]))));
  const flow = data.diagram ? el("details", { open: true },
    el("summary", { text: "Flow diagram" }), diagramBox(data.diagram)) : null;
  const rows = el("ol", { class: "rows", id: "rows" }, data.rows.map(renderRow));
  page.replaceChildren(...head, problemList(data.problems) || "", files, flow || "", rows);
}

function diagramBox(svg) {
  const box = el("div", { class: "flow-box" });
  box.innerHTML = svg; // drawn by the studio's own server from the checked content
  const go = (event) => {
    const node = event.target.closest("[data-step]");
    const row = node && document.getElementById(`step-${node.dataset.step}`);
    if (row) { row.scrollIntoView(); row.querySelector("h3").focus(); }
  };
  box.addEventListener("click", go);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") go(event); });
  return box;
}

function reviewBox(code, file) {
  if (!file) return "";
  const name = code === "en" ? "English" : code;
  if (!file.exists) {
    return el("div", { class: "review" }, el("strong", { text: `${name}: not translated yet` }),
      el("p", { class: "hint", text: "The bot shows the English meanwhile." }));
  }
  const status = el("select", { "aria-label": `Review status of the ${name} file` },
    ["draft", "needed", "approved"].map((s) => el("option", { value: s, selected: s === file.status, text: s })));
  const by = el("input", { type: "text", value: file.by, "aria-label": `Reviewed by (${name})` });
  const date = el("input", { type: "date", value: file.date || new Date().toISOString().slice(0, 10),
    "aria-label": `Review date (${name})` });
  const result = el("p", { role: "status" });
  const save = el("button", { type: "button", text: "Save review status", onclick: async () => {
    const answer = await call("POST", "/api/review", { locale: code, id: state.page.id,
      status: status.value, by: by.value, date: date.value });
    showResult(result, answer);
    if (answer.ok) await refresh();
  } });
  const extra = [];
  if (code !== "en") {
    extra.push(el("button", { type: "button", class: "record", text: "Record translation as up to date",
      onclick: async () => {
        const answer = await call("POST", "/api/translated", { locale: code, id: state.page.id });
        showResult(result, answer);
        if (answer.ok) await refresh();
      } }));
  }
  return el("div", { class: "review", "data-locale": code },
    el("strong", { text: `${name}: ${file.status}` }), el("span", { class: "where", text: ` ${file.file}` }),
    el("label", {}, "Status ", status), el("label", {}, "By ", by), el("label", {}, "Date ", date),
    save, ...extra, result);
}

function renderRow(row) {
  if (row.type === "item") {
    const sources = row.sources.length ? el("p", { class: "sources" }, "Cites: ",
      row.sources.map((s, i) => [i ? "; " : "", el("span", { title: s.id, text: `${s.title || s.id} [${s.id}]` })])) : null;
    const tryIt = row.step && state.page.playable ? el("button", { type: "button", class: "try",
      "aria-label": `Try from step ${row.id}`, text: "Try from here",
      onclick: () => play({ action: "from", dialogue: state.page.dialogue, step: row.step }) }) : null;
    return el("li", { class: "item", id: row.step ? `step-${row.step}` : null },
      el("h3", { tabindex: "-1" }, row.title || row.id, el("span", { class: "kind", text: row.kind ? ` ${row.kind}` : "" }),
        el("span", { class: "where", text: `line ${row.line}` }), tryIt),
      sources, problemList(row.problems));
  }
  const sides = [side(row, "en", row.en)];
  for (const [code, other] of Object.entries(row.translations)) sides.push(side(row, code, other));
  return el("li", { class: "text-row", "data-path": row.path },
    el("span", { class: "label", text: row.label }), ...sides, problemList(row.problems));
}

const STATES = { current: "translated, current", stale: "stale: the English changed since",
  unrecorded: "no record of its English", missing: "missing", untranslated: "file not translated" };

function side(row, code, value) {
  const box = el("div", { class: "side", "data-locale": code });
  const tools = el("div", { class: "tools" });
  if (code !== "en") tools.append(el("span", { class: `state ${value.status}`, text: STATES[value.status] }));
  const editable = code === "en" || (value.status !== "missing" && value.status !== "untranslated");
  if (editable) {
    tools.append(el("button", { type: "button", class: "edit", text: "Edit",
      "aria-label": `Edit ${code === "en" ? "English" : code} of ${row.path}`,
      onclick: () => openEditor(box, row, code, value) }));
  }
  box.append(el("p", { lang: code, class: "text", text: value.text || "" }), tools);
  return box;
}

function openEditor(box, row, code, value) {
  const id = `edit-${code}-${row.path.replace(/[^a-z0-9]/gi, "-")}`;
  const area = el("textarea", { id, lang: code, rows: Math.min(10, 2 + Math.ceil(value.text.length / 60)) });
  area.value = value.text;
  const result = el("div", { role: "alert", class: "result" });
  const save = el("button", { type: "submit", class: "primary", text: "Save" });
  const form = el("form", { class: "editor" },
    el("label", { for: id, text: `${code === "en" ? "English" : code} text of ${row.path} (line ${value.line})` }),
    area, save, el("button", { type: "button", text: "Cancel", onclick: () => renderPage() }), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    const answer = await call("POST", "/api/save", { locale: code, id: state.page.id, path: row.path,
      was: value.text, text: area.value });
    save.disabled = false;
    if (!answer.ok) { showResult(result, answer); area.focus(); return; }
    await refresh(true);
    const elsewhere = answer.data.elsewhere.map((p) => p.text);
    say(answer.data.message + (elsewhere.length ? ` It also made ${elsewhere.length} translation(s) out of date.` : ""));
  });
  box.replaceChildren(form);
  area.focus();
}

function showResult(target, answer) {
  if (answer.ok) {
    target.className = "notice-ok";
    target.replaceChildren(answer.data.message);
    return;
  }
  target.className = "refusal";
  target.replaceChildren(el("p", { text: answer.data.reason }), problemList(answer.data.problems || []) || "");
}

async function refresh(keepFocus) {
  await loadOverview();
  if (state.current) await openPage(state.current, keepFocus);
}

// --- playing -------------------------------------------------------------------------------

async function play(request) {
  const { ok, data } = await call("POST", "/api/play", { tab, locale: locale(), ...request });
  const chat = document.getElementById("chat");
  if (request.action === "start" || request.action === "from") chat.replaceChildren();
  if (!ok) { chat.append(el("div", { class: "bubble toast", text: data.reason })); return; }
  for (const out of data.outputs) {
    if (out.type === "notice") chat.append(el("div", { class: "bubble toast", text: out.text }));
    else if (out.type === "document") {
      chat.append(el("div", { class: "bubble document" },
        el("strong", { text: `📄 ${out.filename}` }), el("p", { text: out.caption }), el("pre", { text: out.text })));
    } else {
      const bubble = messageBubble(out);
      const last = lastBot(chat);
      if (out.type === "edit" && last) last.replaceWith(bubble); else chat.append(bubble);
    }
  }
  const newest = lastBot(chat);
  for (const old of chat.querySelectorAll(".bubble.bot")) {
    if (old !== newest) old.querySelector(".keys")?.remove();
  }
  state.play = data.at;
  chat.dataset.finished = data.at && data.at.finished ? "yes" : "no";
  chat.scrollTop = chat.scrollHeight;
  const first = newest && newest.querySelector(".keys button");
  if (first) first.focus();
  else if (data.at && !data.at.finished) document.getElementById("reply-input").focus();
}

function lastBot(chat) {
  const bots = chat.querySelectorAll(".bubble.bot");
  return bots.length ? bots[bots.length - 1] : null;
}

function messageBubble(message) {
  const keys = message.buttons.length ? el("div", { class: "keys" }, message.buttons.map((row) =>
    el("div", { class: "row" }, row.map((b) => b.url
      ? el("button", { type: "button", disabled: true, title: "a link on Telegram", text: b.label })
      : el("button", { type: "button", text: b.label, onclick: () => { mine(b.label); play({ action: "press", data: b.data }); } }))))) : null;
  return el("div", { class: "bubble bot", lang: locale() },
    message.title ? el("strong", { class: "title", text: message.title }) : null,
    el("p", { class: "body", text: message.text }), keys);
}

function mine(text) {
  document.getElementById("chat").append(el("div", { class: "bubble mine", text }));
}

// --- asking --------------------------------------------------------------------------------

async function ask(question) {
  const { ok, data } = await call("POST", "/api/ask", { question, locale: locale() });
  const box = document.getElementById("ask-results");
  if (!ok) { box.replaceChildren(el("p", { class: "refusal", text: data.reason })); return; }
  const verdict = !data.answered
    ? (data.outside ? `Not answered: outside the guidelines (${data.outside}).`
      : "Not answered: no card covers enough of the question."
        + (data.near_unanswered ? ` It is nearer to a question listed as unanswered than to any card: ${data.near_unanswered}.` : ""))
    : data.outside ? `Answered, led by a line saying the part about a listed topic (${data.outside}) is for a specialist.`
      : data.tentative ? "Answered, with a caveat: the best card covers little of the question." : "Answered.";
  box.replaceChildren(el("p", { text: verdict }), ...data.cards.map((card, i) => el("div", { class: "card" },
    el("h3", { text: `${i + 1}. ${card.title}` }),
    el("p", { class: "where", text: `${card.id} · score ${card.score.toFixed(3)} · ${card.where}` }),
    el("p", { text: card.answer }),
    el("p", { class: "sources", text: "Cites: " + card.sources.map((s) => `${s.title} [${s.id}]`).join("; ") }))));
}

document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("show-overview").addEventListener("click", showOverview);
  document.getElementById("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ask(document.getElementById("ask-input").value);
  });
  document.getElementById("reply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("reply-input");
    if (!input.value.trim()) return;
    mine(input.value);
    play({ action: "text", text: input.value });
    input.value = "";
  });
  document.getElementById("back-button").addEventListener("click", () => play({ action: "back" }));
  await loadOverview();
  showOverview();
  document.body.dataset.ready = "yes";
});
