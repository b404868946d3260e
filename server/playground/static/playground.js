// The nesy playground and benchmark-runs pages. Plain DOM, no framework, no network beyond this
// server. Every text from the server or the user goes into the page through textContent (el()),
// never innerHTML. Data calls carry the API key as the API expects: Authorization: Bearer <key>.
"use strict";

const $ = (id) => document.getElementById(id);

// el("li", {class: "x"}, "text", childNode, ...): children are strings (as text) or nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// -- the API key and data calls -------------------------------------------------------------

const KEY_STORE = "nesy-api-key";

function apiKey() {
  return $("api-key").value.trim();
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = apiKey();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

class ApiError extends Error {
  constructor(status, detail) {
    super(detail.message || "HTTP " + status);
    this.status = status;
    this.detail = detail;
  }
}

async function errorOf(resp) {
  let detail = { type: "http_" + resp.status, message: "HTTP " + resp.status };
  try {
    const body = await resp.json();
    if (body && body.error) detail = body.error;
  } catch (e) { /* not JSON: keep the status */ }
  return new ApiError(resp.status, detail);
}

async function api(path, body) {
  const init = body === undefined
    ? { headers: headers() }
    : { method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) };
  const resp = await fetch(path, init);
  if (!resp.ok) throw await errorOf(resp);
  return resp.json();
}

function notice(text) {
  const n = $("notice");
  n.textContent = text || "";
  n.hidden = !text;
}

function explainAuth(err) {
  if (err instanceof ApiError && err.status === 401) {
    notice("This server needs an API key: type it in the field above.");
    return true;
  }
  return false;
}

function setupKey(onChange) {
  const input = $("api-key");
  input.value = sessionStorage.getItem(KEY_STORE) || "";
  input.addEventListener("change", () => {
    if (input.value.trim() === (sessionStorage.getItem(KEY_STORE) || "")) return;
    sessionStorage.setItem(KEY_STORE, input.value.trim());
    notice("");
    onChange();
  });
}

// -- syntax highlighting (PDDL / SMT-LIB s-expressions, the logic line languages, KG queries) --

const RULES = {
  sexpr: [
    ["comment", /;[^\n]*/y],
    ["keyword", /:[A-Za-z][\w-]*/y],
    ["variable", /\?[\w-]+/y],
    ["paren", /[()]/y],
    ["number", /-?\d+(\.\d+)?(?![\w-])/y],
    ["builtin", /(define|problem|domain|and|or|not|imply|either|forall|exists|when|increase|decrease|assert|declare-const|declare-fun|declare-sort|check-sat|named)(?![\w-])/y],
    ["name", /[^\s();]+/y],
  ],
  logic: [
    ["comment", /#[^\n]*/y],
    ["decl", /^[ \t]*(sort|const|pred|premise|conclusion|option|domain|var|distinct|constraint)\b/my],
    ["builtin", /\b(forall|exists|not|and|or|xor|true|false|abs)\b/y],
    ["operator", /<->|->|!=|==|<=|>=|\.\.|[=<>+*\/-]/y],
    ["number", /\d+/y],
    ["predicate", /[A-Za-z_][\w']*(?=\()/y],
    ["name", /[A-Za-z_][\w']*/y],
    ["paren", /[(){}]/y],
  ],
  kg: [
    ["string", /"[^"\n]*"/y],
    ["operator", /[&|!]/y],
    ["predicate", /[A-Za-z0-9_][\w.\-]*(?=\s*\()/y],
    ["variable", /\b(f|e\d*)\b(?![\w.\-])/y],
    ["name", /[A-Za-z0-9_][\w.\-]*/y],
    ["paren", /[(),]/y],
  ],
};

function languageOf(kind, text) {
  if (kind === "kg") return "kg";
  if (kind === "planning" || /^\s*[(;]/.test(text)) return "sexpr";
  return "logic";
}

// Tokens as spans, one element per line (so a parse error's line can be marked).
function highlight(text, lang, errorLine) {
  const rules = RULES[lang] || [];
  const pre = document.createDocumentFragment();
  text.split("\n").forEach((line, i) => {
    const row = el("span", { class: "line" + (errorLine === i + 1 ? " err-line" : ""), "data-line": i + 1 });
    let pos = 0;
    let plain = "";
    const flush = () => { if (plain) { row.append(plain); plain = ""; } };
    while (pos < line.length) {
      let matched = false;
      for (const [cls, re] of rules) {
        re.lastIndex = pos;
        const m = re.exec(line);
        if (m && m.index === pos && m[0].length > 0) {
          flush();
          row.append(el("span", { class: "tok-" + cls }, m[0]));
          pos += m[0].length;
          matched = true;
          break;
        }
      }
      if (!matched) plain += line[pos++];
    }
    flush();
    pre.append(row, "\n");
  });
  return pre;
}

function showFormal(text, kind, errorLine) {
  $("formal").replaceChildren(highlight(text, languageOf(kind, text), errorLine));
  $("formal-box").hidden = false;
}

// -- results -----------------------------------------------------------------------------------

function resetResult() {
  $("result").hidden = false;
  for (const id of ["stages", "answer", "formal"]) $(id).replaceChildren();
  for (const id of ["formal-box", "answer-box", "explanation-box", "error"]) $(id).hidden = true;
  $("status").textContent = "";
}

function fmtSeconds(s) {
  return (typeof s === "number" ? s.toFixed(s < 1 ? 3 : 1) : "?") + " s";
}

function addStage(s) {
  const tokens = s.prompt_tokens || s.completion_tokens ? `, ${s.prompt_tokens}+${s.completion_tokens} tokens` : "";
  const item = el("li", { class: "stage" + (s.error ? " failed" : "") },
    el("span", { class: "stage-name" }, s.name), " ", el("span", { class: "muted" }, fmtSeconds(s.seconds) + tokens));
  if (s.error) item.append(el("div", { class: "stage-error" }, s.error.message || JSON.stringify(s.error)));
  $("stages").append(item);
}

function showError(err, formalText, kind) {
  const where = [];
  if (err.line) where.push("line " + err.line);
  if (err.col) where.push("column " + err.col);
  if (err.symbol) where.push("symbol " + err.symbol);
  const box = $("error");
  box.replaceChildren(
    el("strong", {}, err.type === "translation_error" ? "Parse error" : "Error (" + (err.type || "unknown") + ")"),
    where.length ? el("span", { class: "where" }, " at " + where.join(", ")) : null,
    el("div", { class: "message" }, err.message || ""),
  );
  box.hidden = false;
  if (formalText) showFormal(formalText, kind, err.line || undefined);
}

function planAnswer(sol) {
  const steps = Array.isArray(sol.answer) ? sol.answer : [];
  const cert = sol.certificate || {};
  const valid = cert.validation && cert.validation.valid;
  const facts = [`${steps.length} step${steps.length === 1 ? "" : "s"}`];
  if (cert.optimal) facts.push("optimal");
  if (valid !== undefined) facts.push(valid ? "validated" : "NOT valid");
  if (sol.engine) facts.push("engine " + sol.engine);
  return [
    el("p", { class: "facts" }, facts.join(" · ")),
    el("ol", { id: "plan", class: "plan" }, steps.map((s) => el("li", {}, el("code", {}, String(s))))),
  ];
}

function logicAnswer(sol) {
  const cert = sol.certificate || {};
  const out = [el("p", { id: "verdict", class: "verdict verdict-" + String(sol.answer) }, String(sol.answer))];
  const core = cert.unsat_core || [];
  const names = cert.unsat_core_names || [];
  if (core.length) {
    const title = sol.answer === "unsat" || sol.answer === "sat"
      ? "Unsat core: the premises that contradict each other"
      : "The premises this answer rests on";
    out.push(el("h3", {}, title), el("ul", { id: "premises", class: "premises" },
      core.map((text, i) => el("li", {}, names[i] ? el("span", { class: "premise-name" }, names[i] + ": ") : null,
        el("code", {}, String(text))))));
  }
  const goals = cert.goal_texts || {};
  if (Object.keys(goals).length) {
    out.push(el("h3", {}, "Question"), el("ul", {}, Object.entries(goals).map(([k, v]) => el("li", {}, k + ": ", el("code", {}, String(v))))));
  }
  if (cert.model && Object.keys(cert.model).length) {
    out.push(el("h3", {}, "Model"), el("table", { class: "grid" },
      el("tbody", {}, Object.entries(cert.model).map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, el("code", {}, String(v))))))));
  }
  return out;
}

function edgeText(e) {
  const kind = e.observed ? "observed" : "predicted";
  const t = typeof e.edge_truth === "number" ? e.edge_truth : e.truth;
  return `${e.negated ? "NOT " : ""}${e.head} ${e.relation} ${e.tail} [${kind}${typeof t === "number" ? ", " + t.toFixed(2) : ""}]`;
}

function kgAnswer(sol) {
  const cert = sol.certificate || {};
  const support = cert.support || (Array.isArray(sol.answer) ? sol.answer : []);
  const head = el("tr", {}, el("th", {}, "#"), el("th", {}, "entity"), el("th", {}, "truth"), el("th", {}, "supporting edges"));
  const rows = support.map((a, i) => el("tr", {},
    el("td", {}, String(i + 1)), el("td", {}, String(a.entity)),
    el("td", { class: "num" }, typeof a.truth === "number" ? a.truth.toFixed(3) : String(a.truth)),
    el("td", {}, el("ul", { class: "edges" }, (a.edges || []).map((e) => el("li", { class: e.observed ? "observed" : "predicted" }, edgeText(e)))))));
  return [
    el("p", { class: "facts" }, [cert.structure ? "structure " + cert.structure : null,
      typeof cert.answers_with_truth === "number" ? cert.answers_with_truth + " answers with truth > 0" : null].filter(Boolean).join(" · ")),
    el("table", { id: "kg-answers", class: "grid" }, el("thead", {}, head), el("tbody", {}, rows)),
  ];
}

function showSolution(kind, sol, verbalization) {
  $("status").textContent = sol.status + (sol.message ? " — " + sol.message : "");
  $("status").className = "status status-" + sol.status;
  const render = { planning: planAnswer, logic: logicAnswer, kg: kgAnswer }[kind];
  const parts = render && sol.answer !== null ? render(sol) : [el("pre", { class: "code" }, JSON.stringify(sol.answer, null, 2))];
  $("answer").replaceChildren(...parts);
  $("answer-box").hidden = false;
  if (verbalization) {
    $("explanation").textContent = verbalization;
    $("explanation-box").hidden = false;
  }
}

// -- natural language: /v1/solve?stream=true read as server-sent events over fetch ----------------

async function solveStream(body, onEvent) {
  const resp = await fetch("/v1/solve?stream=true", {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(body),
  });
  if (!resp.ok) throw await errorOf(resp);
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buf += decoder.decode(value, { stream: true });
    buf = buf.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(event, JSON.parse(data.join("\n")));
    }
    if (done) return;
  }
}

async function solveNL(ev) {
  ev.preventDefault();
  resetResult();
  const context = {};
  if ($("nl-domain").value) context.domain = $("nl-domain").value;
  if ($("nl-kb").value) context.kb = $("nl-kb").value;
  const body = { text: $("nl-text").value, context };
  if ($("nl-kind").value) body.kind = $("nl-kind").value;
  $("status").textContent = "translating…";
  const button = $("solve-nl");
  button.disabled = true;
  try {
    await solveStream(body, (event, data) => {
      if (event === "stage") addStage(data);
      else if (event === "error") { $("status").textContent = "failed"; showError(data.error || data); }
      else if (event === "result") {
        const f = data.formalization;
        if (f && f.text) showFormal(f.text, data.kind);
        if (data.error) { $("status").textContent = "not formalized"; showError(data.error); }
        if (data.solution) showSolution(data.kind, data.solution, data.verbalization);
      }
    });
  } catch (err) {
    $("status").textContent = "failed";
    if (!explainAuth(err)) showError(err.detail || { message: String(err) });
  } finally {
    button.disabled = false;
  }
}

// -- formal input: /v1/plan, /v1/logic, /v1/kg/query ----------------------------------------------

function formalRequest(kind) {
  if (kind === "planning") {
    const body = { problem: $("f-problem").value };
    if ($("f-domain").value) body.domain = $("f-domain").value;
    else body.domain_pddl = $("f-domain-pddl").value;
    return ["/v1/plan", body, body.problem];
  }
  if (kind === "kg") {
    const body = { kb: $("f-kb").value, query: $("f-query").value, top_k: Number($("f-topk").value) || 10 };
    return ["/v1/kg/query", body, body.query];
  }
  const body = { program: $("f-program").value };
  return ["/v1/logic", body, body.program];
}

async function solveFormal(ev) {
  ev.preventDefault();
  resetResult();
  const kind = $("f-kind").value;
  const [path, body, text] = formalRequest(kind);
  $("status").textContent = "solving…";
  const button = $("solve-formal");
  button.disabled = true;
  try {
    const resp = await api(path, body);
    for (const s of resp.trace.stages) addStage(s);
    showFormal(text, kind);
    showSolution(resp.kind, resp.solution, resp.verbalization);
  } catch (err) {
    $("status").textContent = "failed";
    if (!explainAuth(err)) {
      // a PDDL error in the domain text names part "domain": mark the line there, not in the problem
      const part = err.detail && err.detail.part;
      showError(err.detail || { message: String(err) }, part === "domain" ? body.domain_pddl : text, kind);
    }
  } finally {
    button.disabled = false;
  }
}

// -- the playground page -------------------------------------------------------------------------

function fillSelect(select, values, keepFirst) {
  const chosen = select.value;  // filled again when the key changes: keep what the user chose
  const first = keepFirst ? [select.options[0]] : [];
  select.replaceChildren(...first, ...values.map((v) => el("option", { value: v }, v)));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

// Each (re)load after a key change gets a number: the answer of an older one (sent with the
// previous key) must not overwrite what the newer one shows.
let loads = 0;

async function loadChoices() {
  const mine = ++loads;
  try {
    const meta = await api("/playground/api/choices");
    if (mine !== loads) return;
    notice("");
    const kinds = meta.kinds.filter((k) => k.available).map((k) => k.name);
    fillSelect($("nl-kind"), kinds, true);
    const domains = (meta.choices.planning || {}).domain || [];
    const kbs = (meta.choices.kg || {}).kb || [];
    fillSelect($("nl-domain"), domains, true);
    fillSelect($("nl-kb"), kbs, true);
    fillSelect($("f-domain"), domains, true);
    fillSelect($("f-kb"), kbs, false);
  } catch (err) {
    if (mine === loads && !explainAuth(err)) notice("Could not load the backends: " + err.message);
  }
}

function selectTab(formal) {
  $("tab-nl").setAttribute("aria-selected", String(!formal));
  $("tab-formal").setAttribute("aria-selected", String(formal));
  $("form-nl").hidden = formal;
  $("form-formal").hidden = !formal;
}

function showFormalFields() {
  const kind = $("f-kind").value;
  for (const div of document.querySelectorAll("[data-for]")) div.hidden = div.dataset.for !== kind;
}

function initPlayground() {
  setupKey(loadChoices);
  $("tab-nl").addEventListener("click", () => selectTab(false));
  $("tab-formal").addEventListener("click", () => selectTab(true));
  $("f-kind").addEventListener("change", showFormalFields);
  $("form-nl").addEventListener("submit", solveNL);
  $("form-formal").addEventListener("submit", solveFormal);
  loadChoices();
}

// -- the benchmark-runs page ---------------------------------------------------------------------

const blobUrls = [];

async function plotImage(run, name, alt) {
  const img = el("img", { alt: alt || name, class: "plot" });
  try {
    const resp = await fetch(`/playground/api/runs/${encodeURIComponent(run)}/plots/${encodeURIComponent(name)}`, { headers: headers() });
    if (!resp.ok) throw await errorOf(resp);
    const url = URL.createObjectURL(await resp.blob());
    blobUrls.push(url);
    img.src = url;
  } catch (err) {
    return el("p", { class: "error" }, `plot ${name}: ${err.message}`);
  }
  return img;
}

// The Markdown that benchmarks/report.py writes: headings, paragraphs, pipe tables, images of
// plots/<file>.png and fenced code. Anything else is shown as a paragraph of text.
function renderReport(run, md) {
  const out = [];
  const lines = md.split("\n");
  const plots = new Set();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m;
    if (!line.trim()) continue;
    if ((m = /^(#{1,4})\s+(.*)$/.exec(line))) {
      out.push(el("h" + Math.min(6, m[1].length + 2), {}, m[2]));
    } else if (line.startsWith("```")) {
      const code = [];
      while (++i < lines.length && !lines[i].startsWith("```")) code.push(lines[i]);
      out.push(el("pre", { class: "code" }, code.join("\n")));
    } else if (line.startsWith("|")) {
      const rows = [];
      for (; i < lines.length && lines[i].startsWith("|"); i++) rows.push(lines[i]);
      i--;
      const cells = (r) => r.slice(1, r.endsWith("|") ? -1 : undefined).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
      const body = rows.filter((r) => !/^\|[\s:|-]+\|?$/.test(r)).map(cells);
      const [header, ...rest] = body;
      out.push(el("table", { class: "grid summary" },
        el("thead", {}, el("tr", {}, (header || []).map((c) => el("th", {}, c)))),
        el("tbody", {}, rest.map((r) => el("tr", {}, r.map((c) => el("td", {}, c)))))));
    } else if ((m = /^!\[([^\]]*)\]\(plots\/([^)\/]+)\)\s*$/.exec(line))) {
      plots.add(m[2]);
      const holder = el("figure", {}, el("figcaption", {}, m[1]));
      plotImage(run, m[2], m[1]).then((img) => holder.prepend(img));
      out.push(holder);
    } else {
      out.push(el("p", {}, line.replace(/`/g, "")));
    }
  }
  return [out, plots];
}

async function showRun(name) {
  while (blobUrls.length) URL.revokeObjectURL(blobUrls.pop());
  const section = $("run");
  try {
    const run = await api(`/playground/api/runs/${encodeURIComponent(name)}`);
    $("run-name").textContent = run.name;
    const [parts, shown] = renderReport(run.name, run.report_md || "");
    const extra = run.plots.filter((p) => !shown.has(p));
    for (const p of extra) {
      const holder = el("figure", {}, el("figcaption", {}, p));
      plotImage(run.name, p).then((img) => holder.prepend(img));
      parts.push(holder);
    }
    if (!parts.length) parts.push(el("p", {}, "This run has no report yet."));
    $("run-report").replaceChildren(...parts);
    section.hidden = false;
  } catch (err) {
    if (!explainAuth(err)) notice(err.message);
    section.hidden = true;
  }
}

async function loadRuns() {
  const tbody = $("runs").querySelector("tbody");
  const mine = ++loads;
  try {
    const runs = await api("/playground/api/runs");
    if (mine !== loads) return;
    notice("");
    tbody.replaceChildren(...runs.map((r) => el("tr", {},
      el("td", {}, el("a", { href: "#run=" + encodeURIComponent(r.name) }, r.name)),
      el("td", {}, r.suite), el("td", { class: "num" }, r.n_items ?? ""), el("td", {}, r.model),
      el("td", {}, r.created), el("td", { class: "num" }, String(r.plots.length)))));
    if (!runs.length) tbody.replaceChildren(el("tr", {}, el("td", { colspan: 6 }, "No runs yet: nesy bench writes them.")));
  } catch (err) {
    if (mine !== loads) return;
    if (!explainAuth(err)) notice("Could not list the runs: " + err.message);
  }
  routeRun();
}

function routeRun() {
  const m = /^#run=(.+)$/.exec(location.hash);
  let name = null;
  try { name = m ? decodeURIComponent(m[1]) : null; } catch (e) { notice("not a run name in this address"); }
  if (name) showRun(name);
  else $("run").hidden = true;
}

function initRuns() {
  setupKey(loadRuns);
  window.addEventListener("hashchange", routeRun);
  loadRuns();
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.page === "runs") initRuns();
  else initPlayground();
});
