"use strict";
// expo-data view: renders the round data embedded in #expo-data. Sample text is untrusted (model output):
// it only ever reaches the page through textContent and attributes, never as markup.
(function () {
  const DATA = JSON.parse(document.getElementById("expo-data").textContent);
  const META = DATA.meta, PROBLEMS = DATA.problems, ROUNDS = META.rounds;
  const PER_PAGE_DEFAULT = 25;
  // Shading buckets of -log p (nats): l0 almost certain ... l7 very unlikely.
  const BUCKETS = [0.1, 0.5, 1, 2, 3, 5, 8];
  const SORTS = {
    "id": "problem order",
    "nll-desc": "NLL/token, highest first", "nll-asc": "NLL/token, lowest first",
    "gain-desc": "answer gain, highest first", "gain-asc": "answer gain, lowest first",
  };

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const fmt = (v, d) => (v === null || v === undefined ? "n/a" : Number(v).toFixed(d === undefined ? 3 : d));

  // ---- state: the URL hash holds the filters, so a view can be linked to (and tested headless) ----
  // A yes/no filter takes 1/0 and also true/false (as a hand-written link says it).
  const FLAG = new Map([["1", "1"], ["0", "0"], ["true", "1"], ["false", "0"]]);
  const flag = (v) => (v === null || v === "" ? "" : FLAG.get(v.toLowerCase()) || v);
  function readState() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    return {
      group: p.get("group") || "", kind: p.get("kind") || "", correct: flag(p.get("correct")),
      sel: p.get("sel") || "", hint: flag(p.get("hint")), q: p.get("q") || "",
      sort: SORTS[p.get("sort")] ? p.get("sort") : "id",
      page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1),
      per: Math.max(1, parseInt(p.get("per") || String(PER_PAGE_DEFAULT), 10) || PER_PAGE_DEFAULT),
    };
  }
  function writeState(state) {
    const p = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) {
      if (value === "" || (key === "page" && value === 1) || (key === "sort" && value === "id")
          || (key === "per" && value === PER_PAGE_DEFAULT)) continue;
      p.set(key, value);
    }
    const hash = p.toString();
    if (location.hash.replace(/^#/, "") !== hash) location.hash = hash; else render();
  }

  function groupOf(problem) { return problem.lv !== null && problem.lv !== undefined ? String(problem.lv) : (problem.cat || ""); }

  function sampleMatches(s, problem, st, needle) {
    if (st.kind && s.k !== st.kind) return false;
    if (st.correct && String(s.c) !== st.correct) return false;
    if (st.hint && String(s.h) !== st.hint) return false;
    if (st.sel === "any" && !s.sel.length) return false;
    if (st.sel === "none" && s.sel.length) return false;
    if (st.sel && st.sel !== "any" && st.sel !== "none" && !s.sel.includes(st.sel)) return false;
    if (needle) {
      const hay = (s.t + "\n" + (s.a || "")).toLowerCase();
      if (!hay.includes(needle) && !problem._text.includes(needle)) return false;
    }
    return true;
  }

  function sortKey(s, sort) {
    if (sort.startsWith("nll")) return s.n;
    if (sort.startsWith("gain")) return s.g;
    return null;
  }

  function filtered(st) {
    const needle = st.q.toLowerCase();
    const out = [];
    let samples = 0;
    for (const problem of PROBLEMS) {
      if (st.group && groupOf(problem) !== st.group) continue;
      const matching = problem.s.filter((s) => sampleMatches(s, problem, st, needle));
      if (!matching.length) continue;
      samples += matching.length;
      out.push({ problem, samples: matching });
    }
    if (st.sort !== "id") {
      const desc = st.sort.endsWith("desc");
      const value = (s) => { const v = sortKey(s, st.sort); return v === null || v === undefined ? null : v; };
      const cmp = (a, b) => (a === null ? 1 : b === null ? -1 : desc ? b - a : a - b);
      for (const item of out) item.samples.sort((a, b) => cmp(value(a), value(b)));
      for (const item of out) item.key = item.samples.length ? value(item.samples[0]) : null;
      out.sort((a, b) => cmp(a.key, b.key));
    }
    return { items: out, samples };
  }

  // ---- header: manifest, quality table, selection rule, plots ----
  function kvTable(pairs) {
    return el("table", { className: "kv" }, ...pairs.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: v }))));
  }
  function qualityTable(quality) {
    const table = el("table", { className: "quality" });
    table.appendChild(el("tr", {}, ...quality.columns.map((c) => el("th", { text: c }))));
    for (const row of quality.rows) {
      table.appendChild(el("tr", {}, ...row.map((v, i) => el("td", {
        text: i === 0 ? (v === null ? "all" : String(v)) : typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : v === null ? "" : String(v),
      }))));
    }
    return table;
  }
  function header() {
    const wrap = el("div", { id: "header" });
    wrap.appendChild(el("h1", { text: "ExPO round" + (ROUNDS.length > 1 ? "s " : " ") + ROUNDS.map((r) => r.round).join(" vs ") }));
    const grid = el("div", { className: "rounds", style: `grid-template-columns: repeat(${ROUNDS.length}, minmax(0, 1fr))` });
    for (const r of ROUNDS) {
      const m = r.manifest, s = m.sampling || {};
      const box = el("div", { className: "round" });
      box.appendChild(el("h2", { text: `round ${m.round}: ${r.dir}` }));
      box.appendChild(kvTable([
        ["model", m.base_model], ["adapter", m.adapter || "none (base model)"], ["round", String(m.round)],
        ["dtype", `${m.dtype} (log-probs ${m.logprob_dtype || m.dtype})`],
        ["problems", `${m.num_problems} from ${m.problem_source}`],
        ["sampling", `${s.attempts} attempts + ${s.explanations} explanations, max ${s.max_tokens} tokens, ` +
                     `temperature ${s.temperature}, top_p ${s.top_p}, seed ${m.seed}`],
        ["selection", r.selection.source + "; " + Object.entries(r.selection.parameters).map(([k, v]) => `${k}=${v}`).join(", ")],
      ]));
      const details = el("details", {}, el("summary", { text: "full manifest" }), el("pre", { className: "plain", text: JSON.stringify(m, null, 2) }));
      box.appendChild(details);
      box.appendChild(el("h2", { text: "sample quality (quality_report.sql; group NULL = all problems)" }));
      box.appendChild(qualityTable(r.quality));
      grid.appendChild(box);
    }
    wrap.appendChild(grid);
    if (META.plots) {
      wrap.appendChild(el("details", { className: "plots", open: "" }, el("summary", { text: "report plots" }),
        el("img", { alt: "report plots", src: "data:image/png;base64," + META.plots })));
    }
    if (META.where || META.limit_problems) {
      wrap.appendChild(el("p", { text: "samples restricted to: " + [META.where ? `--where ${META.where}` : "",
        META.limit_problems ? `--limit-problems ${META.limit_problems}` : ""].filter(Boolean).join(", ") }));
    }
    const legend = el("p", { className: "legend" }, "token shading by policy log-prob under the plain prompt: ");
    let lo = 0;
    for (let i = 0; i <= BUCKETS.length; i++) {
      const hi = BUCKETS[i];
      legend.appendChild(el("span", { className: `tok l${i}`, text: hi === undefined ? `< -${lo}` : `-${hi}..-${lo}` }));
      lo = hi;
    }
    wrap.appendChild(legend);
    return wrap;
  }

  // ---- controls ----
  // A value from the URL that no option has still filters (it matches nothing): the menu shows it, named,
  // rather than "all", so what the menu says and what is shown agree.
  function select(name, value, options, onchange) {
    const known = options.some(([v]) => v === value);
    const all = known ? options : [...options, [value, `unknown: ${value} (matches nothing)`]];
    return el("select", { name, onchange },
      // The chosen option as an attribute too: it is the menu's initial state, and visible in the DOM.
      ...all.map(([v, label]) => el("option", { value: v, text: label, selected: v === value ? "" : null })));
  }
  function controls(st) {
    const set = (key) => (ev) => writeState(Object.assign(readState(), { [key]: ev.target.value, page: 1 }));
    const groups = [...new Set(PROBLEMS.map(groupOf))].sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
    let timer = null;
    const search = el("input", { type: "search", name: "q", placeholder: "search question / completion", value: st.q,
      oninput: (ev) => { clearTimeout(timer); timer = setTimeout(() => set("q")(ev), 250); } });
    return el("div", { id: "controls" },
      el("label", {}, "level/category ", select("group", st.group, [["", "all"], ...groups.map((g) => [g, g || "(none)"])], set("group"))),
      el("label", {}, "kind ", select("kind", st.kind, [["", "all"], ["attempt", "attempt"], ["explanation", "explanation"], ["expert", "expert"]], set("kind"))),
      el("label", {}, "correct ", select("correct", st.correct, [["", "all"], ["1", "correct"], ["0", "incorrect"]], set("correct"))),
      el("label", {}, "selected ", select("sel", st.sel, [["", "all"], ["any", "any role"], ["positive", "positive"], ["chosen", "pair chosen"], ["rejected", "pair rejected"], ["none", "not selected"]], set("sel"))),
      el("label", {}, "hint leak ", select("hint", st.hint, [["", "all"], ["1", "flagged"], ["0", "not flagged"]], set("hint"))),
      el("label", {}, "sort ", select("sort", st.sort, Object.entries(SORTS), set("sort"))),
      search);
  }

  // ---- one sample ----
  function tokens(s) {
    const box = el("div", { className: "completion" });
    if (!s.tl) { box.textContent = s.t; return box; }
    const text = s.tt !== undefined ? s.tt : s.t + (s.tx || "");
    let pos = 0;
    const frag = document.createDocumentFragment();
    for (let j = 0; j < s.tl.length; j++) {
      const piece = text.slice(pos, pos + s.tl[j]);
      pos += s.tl[j];
      const lp = s.lp[j] / 100;
      let bucket = 0;
      while (bucket < BUCKETS.length && -lp >= BUCKETS[bucket]) bucket++;
      const span = document.createElement("span");
      span.className = "tok l" + bucket;
      span.textContent = piece;
      span.title = "log p " + lp.toFixed(2);
      span.dataset.lp = lp.toFixed(2);
      frag.appendChild(span);
    }
    box.appendChild(frag);
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
    return box;
  }
  function sampleCard(s) {
    const cls = "sample " + (s.c ? "correct" : "incorrect") + (s.sel.length ? " selected" : "");
    const card = el("div", { className: cls, "data-kind": s.k, "data-correct": String(s.c) });
    const facts = el("div", { className: "facts" },
      el("strong", { text: `${s.k} #${s.i}` }), " ",
      el("span", { className: "badge " + (s.c ? "b-ok" : "b-bad"), text: s.c ? "correct" : "incorrect" }),
      ...s.sel.map((role) => el("span", { className: "badge b-sel", text: role === "positive" ? "positive" : `pair ${role}` })),
      s.h ? el("span", { className: "badge b-warn", text: "mentions hint" }) : null,
      el("span", { text: `answer: ${s.a === null ? "none" : s.a} (${s.m || "no extraction"})` }),
      s.e ? el("span", { className: "badge b-warn", text: `verify_error: ${s.e}` }) : null,
      el("span", { text: `NLL/token ${fmt(s.n)}` }),
      el("span", { text: `gain ${fmt(s.g)}` }),
      el("span", { text: `finish ${s.f || "n/a"}` }),
      el("span", { text: `${s.tl ? s.tl.length : 0} tokens` }));
    card.appendChild(facts);
    if (s.why) card.appendChild(el("div", { className: "why", text: s.why }));
    card.appendChild(tokens(s));
    return card;
  }

  function problemCard(item) {
    const p = item.problem;
    const card = el("section", { className: "problem", "data-id": p.id });
    card.appendChild(el("h3", {}, p.id, " ", el("span", { className: "meta",
      text: [p.lv !== null && p.lv !== undefined ? `level ${p.lv}` : "", p.cat ? `category ${p.cat}` : ""].filter(Boolean).join(", ") })));
    card.appendChild(el("div", { className: "question", text: p.q }));
    card.appendChild(el("div", {}, el("strong", { text: "gold: " }), el("span", { className: "gold", text: p.gold })));
    const cols = el("div", { className: "cols", style: `grid-template-columns: repeat(${ROUNDS.length}, minmax(0, 1fr))` });
    ROUNDS.forEach((r, index) => {
      const col = el("div", { className: "col" });
      if (ROUNDS.length > 1) col.appendChild(el("h4", { text: `round ${r.round}` }));
      const mine = item.samples.filter((s) => s.r === index);
      if (!mine.length) col.appendChild(el("p", { className: "meta", text: "no matching sample in this round" }));
      for (const s of mine) col.appendChild(sampleCard(s));
      cols.appendChild(col);
    });
    card.appendChild(cols);
    return card;
  }

  function pager(page, pages) {
    const go = (n) => () => writeState(Object.assign(readState(), { page: n }));
    return el("div", { className: "pager" },
      el("button", { onclick: go(page - 1), disabled: page <= 1 ? "" : null, text: "‹ previous" }),
      ` page ${page} of ${pages} `,
      el("button", { onclick: go(page + 1), disabled: page >= pages ? "" : null, text: "next ›" }));
  }

  let headerNode = null;
  function render() {
    const st = readState();
    const app = document.getElementById("app");
    if (!headerNode) headerNode = header();
    const { items, samples } = filtered(st);
    const pages = Math.max(1, Math.ceil(items.length / st.per));
    const page = Math.min(st.page, pages);
    const summary = el("p", { id: "summary", "data-problems": String(items.length), "data-samples": String(samples),
      "data-page": String(page), "data-pages": String(pages),
      text: `${items.length} of ${PROBLEMS.length} problems, ${samples} samples match; page ${page} of ${pages}` });
    const list = el("div", { id: "problems" });
    for (const item of items.slice((page - 1) * st.per, page * st.per)) list.appendChild(problemCard(item));
    app.replaceChildren(headerNode, controls(st), summary, pager(page, pages), list, pager(page, pages));
  }

  for (const p of PROBLEMS) p._text = (p.q + "\n" + p.gold).toLowerCase();
  window.addEventListener("hashchange", render);
  render();
})();
