// The coqueue dashboard: one WebSocket to the server that serves this page, over which the
// server pushes a stats event about once a second ({"subscribe_stats": true}); the job browser
// and the admin actions use the HTTP API. No library, nothing fetched from elsewhere.
"use strict";

const state = {
  token: sessionStorage.getItem("coqueue.token") || "",
  socket: null,
  retryMs: 500,
  history: [],
  previous: null, // the last stats event, for per-queue rates
  rates: {},      // queue -> {in, out} per second
  cursor: null,   // the job browser's next page
  queueNames: [],
  detailId: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k === "onclick") e.addEventListener("click", v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function formatCount(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
}

function formatRate(r) {
  if (r === null || r === undefined) return "–";
  return r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(1);
}

function formatAge(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  if (ms < 3600000) return Math.floor(ms / 60000) + " min " + Math.floor((ms % 60000) / 1000) + " s";
  return (ms / 3600000).toFixed(1) + " h";
}

function formatTime(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleTimeString("en-GB", { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function notify(text, isError = false) {
  const n = $("notice");
  n.textContent = text;
  n.hidden = false;
  n.dataset.kind = isError ? "error" : "info";
}

// --- HTTP API ---------------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = {};
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await r.json(); } catch (_) { /* no body */ }
  if (!r.ok) {
    const message = json && json.error ? `${json.error.code}: ${json.error.message}` : `HTTP ${r.status}`;
    const e = new Error(message);
    e.status = r.status;
    throw e;
  }
  return json;
}

// An admin action: asked for, done, and said what it did.
async function act(question, method, path, describe) {
  if (!window.confirm(question)) return;
  try {
    const answer = await api(method, path);
    notify(describe(answer));
  } catch (e) {
    notify(e.status === 401 || e.status === 403 ? `Refused (${e.message}): this needs the admin token.` : `Failed: ${e.message}`, true);
  }
}

// --- Live stats over the WebSocket ------------------------------------------------------------

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  // Browsers cannot set headers on a WebSocket: the token goes as a subprotocol.
  const protocols = state.token ? ["coqueue", "bearer." + state.token] : ["coqueue"];
  const socket = new WebSocket(url, protocols);
  state.socket = socket;
  setConnection("connecting", "connecting…");
  let opened = false;
  socket.onopen = () => {
    opened = true;
    state.retryMs = 500;
    setConnection("live", "live");
    socket.send(JSON.stringify({ subscribe_stats: true }));
  };
  socket.onmessage = (m) => {
    const event = JSON.parse(m.data);
    if (event.event === "stats") showStats(event);
    else if (event.event === "error") notify(`${event.error.code}: ${event.error.message}`, true);
  };
  socket.onclose = () => {
    if (state.socket !== socket) return;
    if (!opened) {
      // Refused at the upgrade: most likely a token is needed (the API says which).
      api("GET", "/queues").then(
        () => setConnection("closed", "reconnecting…"),
        (e) => {
          if (e.status === 401) {
            setConnection("unauthorized", "needs a token");
            notify("This server needs a token: enter it at the top right.", true);
          } else {
            setConnection("closed", "reconnecting…");
          }
        });
    } else {
      setConnection("closed", "reconnecting…");
    }
    setTimeout(() => { if (state.socket === socket) connect(); }, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 10000);
  };
}

function setConnection(kind, text) {
  const c = $("connection");
  c.dataset.state = kind;
  c.textContent = text;
}

function showStats(event) {
  const queues = (event.queues && event.queues.queues) || {};
  const totals = (event.queues && event.queues.totals) || {};
  const paused = new Set((event.queues && event.queues.paused) || []);
  perQueueRates(queues);
  if (event.history) state.history = event.history.slice();
  else if (event.point) {
    state.history.push(event.point);
    if (state.history.length > 300) state.history.shift();
  }
  const point = event.point || {};

  $("total-queued").textContent = formatCount(totals.queued);
  $("total-processing").textContent = formatCount(totals.processing);
  $("total-scheduled").textContent = formatCount(totals.scheduled);
  $("total-dead").textContent = formatCount(totals.dead);
  $("rate-in").textContent = formatRate(point.in_per_s);
  $("rate-out").textContent = formatRate(point.out_per_s);
  const workers = (event.workers && event.workers.workers) || [];
  $("workers-count").textContent = formatCount(workers.length);
  $("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB", { hour12: false });

  showQueues(queues, paused);
  showWorkers(workers);
  showFailures(event.recent_failures || []);
  showSchedules(event.schedules || []);
  drawChart($("chart-throughput"), state.history, [["in_per_s", "in"], ["out_per_s", "out"]]);
  drawChart($("chart-latency"), state.history, [["latency_p50_ms", "p50"], ["latency_p90_ms", "p90"], ["latency_p99_ms", "p99"]]);
  updateQueueFilter(Object.keys(queues));
}

// Jobs in and out per second for each queue, from two stats events.
function perQueueRates(queues) {
  const now = performance.now();
  const prev = state.previous;
  if (prev && now - prev.at >= 500) {
    const seconds = (now - prev.at) / 1000;
    for (const [name, c] of Object.entries(queues)) {
      const p = prev.queues[name];
      if (!p) continue;
      const ended = (x) => x.completed + x.failed + x.cancelled;
      const all = (x) => ended(x) + x.queued + x.scheduled + x.processing;
      state.rates[name] = {
        in: Math.max(0, all(c) - all(p)) / seconds,
        out: Math.max(0, ended(c) - ended(p)) / seconds,
      };
    }
  }
  if (!prev || now - prev.at >= 500) state.previous = { at: now, queues };
}

function showQueues(queues, paused) {
  const body = $("queues").tBodies[0];
  body.replaceChildren();
  for (const [name, c] of Object.entries(queues)) {
    const rate = state.rates[name] || {};
    const isPaused = paused.has(name);
    const cell = (field, text) => el("td", { "data-field": field }, text);
    const actions = el("td", { class: "actions" },
      el("button", {
        type: "button", textContent: isPaused ? "Resume" : "Pause",
        onclick: () => act(`${isPaused ? "Resume" : "Pause"} queue ${name}?`, "POST",
          `/queues/${encodeURIComponent(name)}/${isPaused ? "resume" : "pause"}`,
          () => `Queue ${name} ${isPaused ? "resumed" : "paused"}.`),
      }),
      el("button", {
        type: "button", textContent: "Requeue dead", disabled: !c.dead,
        onclick: () => act(`Requeue all ${c.dead} dead letters of ${name}?`, "POST",
          `/queues/${encodeURIComponent(name)}/dead/requeue`,
          (a) => `Requeued ${a.requeued} dead letters of ${name}.`),
      }),
      el("button", {
        type: "button", class: "danger", textContent: "Purge dead", disabled: !c.dead,
        onclick: () => act(`Delete all ${c.dead} dead letters of ${name} for good?`, "DELETE",
          `/queues/${encodeURIComponent(name)}/dead`,
          (a) => `Purged ${a.purged} dead letters of ${name}.`),
      }));
    body.append(el("tr", { "data-queue": name },
      cell("name", name),
      cell("queued", formatCount(c.queued)),
      cell("oldest_queued_age", formatAge(c.oldest_queued_age_ms)),
      cell("processing", formatCount(c.processing)),
      cell("scheduled", formatCount(c.scheduled)),
      cell("in_per_s", formatRate(rate.in)),
      cell("out_per_s", formatRate(rate.out)),
      cell("completed_last_minute", formatCount(c.completed_last_minute)),
      cell("failed_last_minute", formatCount(c.failed_last_minute)),
      cell("dead", formatCount(c.dead)),
      cell("state", isPaused ? "paused" : "running"),
      actions));
  }
}

function showWorkers(workers) {
  const body = $("workers").tBodies[0];
  body.replaceChildren();
  for (const w of workers) {
    const queues = (w.queues || []).map((q) => q.weight ? `${q.name}×${q.weight}` : q.name).join(", ");
    body.append(el("tr", { "data-worker": w.id },
      el("td", {}, w.id), el("td", {}, w.host || "–"), el("td", {}, w.pid ?? "–"),
      el("td", {}, queues), el("td", {}, formatCount(w.concurrency)),
      el("td", { "data-field": "in_flight" }, formatCount(w.in_flight)),
      el("td", { "data-field": "jobs_done" }, formatCount(w.jobs_done)),
      el("td", {}, formatTime(w.last_heartbeat))));
  }
}

function showFailures(jobs) {
  const body = $("failures").tBodies[0];
  body.replaceChildren();
  for (const j of jobs) {
    body.append(el("tr", { "data-id": j.id, onclick: () => openJob(j.id) },
      el("td", {}, el("code", {}, j.id)), el("td", {}, j.queue), el("td", {}, j.type),
      el("td", {}, `${j.attempts}/${j.max_attempts}`), el("td", {}, formatTime(j.finished_at)),
      el("td", { class: "error" }, j.error || "")));
  }
}

function showSchedules(schedules) {
  const body = $("schedules").tBodies[0];
  body.replaceChildren();
  $("schedules-empty").hidden = schedules.length > 0;
  for (const s of schedules) {
    const job = s.job || {};
    const every = s.cron ? `cron ${s.cron}` : `${s.every_ms / 1000} s`;
    body.append(el("tr", { "data-schedule": s.name },
      el("td", {}, s.name), el("td", {}, every),
      el("td", {}, `${job.type}${job.queue ? " → " + job.queue : ""}`),
      el("td", { "data-field": "next" }, formatTime((s.next_fire_times || [])[0])),
      el("td", { "data-field": "last_fired_at" }, formatTime(s.last_fired_at)),
      el("td", {}, s.last_job_id ? el("code", { onclick: () => openJob(s.last_job_id) }, s.last_job_id) : "–"),
      el("td", { "data-field": "state" }, s.paused ? "paused" : "active"),
      el("td", { class: "actions" }, el("button", {
        type: "button", textContent: s.paused ? "Resume" : "Pause",
        onclick: () => act(`${s.paused ? "Resume" : "Pause"} schedule ${s.name}?`, "POST",
          `/schedules/${encodeURIComponent(s.name)}/${s.paused ? "resume" : "pause"}`,
          () => `Schedule ${s.name} ${s.paused ? "resumed" : "paused"}.`),
      }))));
  }
}

// A line chart in SVG: one polyline per series, scaled to the largest value shown.
function drawChart(svg, points, series) {
  const W = 600, H = 160, pad = 18;
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  let max = 0;
  for (const p of points) for (const [key] of series) if (p[key] !== null && p[key] > max) max = p[key];
  max = max > 0 ? max * 1.1 : 1;
  for (const f of [0, 0.5, 1]) {
    const y = H - pad - f * (H - 2 * pad);
    const line = document.createElementNS(ns, "line");
    line.setAttribute("class", "grid");
    line.setAttribute("x1", 0); line.setAttribute("x2", W);
    line.setAttribute("y1", y); line.setAttribute("y2", y);
    svg.append(line);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 2); label.setAttribute("y", y - 2);
    label.textContent = formatRate(max * f);
    svg.append(label);
  }
  if (points.length < 2) return;
  const t0 = points[0].t, t1 = points[points.length - 1].t;
  const span = Math.max(t1 - t0, 1);
  for (const [key, name] of series) {
    const coords = [];
    for (const p of points) {
      if (p[key] === null || p[key] === undefined) continue;
      const x = ((p.t - t0) / span) * W;
      const y = H - pad - (p[key] / max) * (H - 2 * pad);
      coords.push(x.toFixed(1) + "," + y.toFixed(1));
    }
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("class", name);
    line.setAttribute("points", coords.join(" "));
    svg.append(line);
  }
}

// --- Job browser --------------------------------------------------------------------------------

function updateQueueFilter(names) {
  names.sort();
  if (names.join("\n") === state.queueNames.join("\n")) return;
  state.queueNames = names;
  const select = $("filter-queue");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "all"), ...names.map((n) => el("option", { value: n }, n)));
  select.value = names.includes(chosen) ? chosen : "";
}

async function listJobs(cursor) {
  const params = new URLSearchParams();
  if ($("filter-queue").value) params.set("queue", $("filter-queue").value);
  if ($("filter-status").value) params.set("status", $("filter-status").value);
  if ($("filter-type").value.trim()) params.set("type", $("filter-type").value.trim());
  params.set("limit", "25");
  if (cursor) params.set("cursor", cursor);
  try {
    // A filter that matches few jobs may answer an empty page with a cursor (each request reads
    // a bounded number of jobs): follow it a while before saying there is nothing.
    let page = await api("GET", "/jobs?" + params.toString());
    for (let more = 0; page.jobs.length === 0 && page.next_cursor && more < 20; more++) {
      params.set("cursor", page.next_cursor);
      page = await api("GET", "/jobs?" + params.toString());
    }
    const body = $("jobs").tBodies[0];
    body.replaceChildren();
    for (const j of page.jobs) {
      body.append(el("tr", { "data-id": j.id, onclick: () => openJob(j.id) },
        el("td", {}, el("code", {}, j.id)), el("td", {}, j.queue), el("td", {}, j.type),
        el("td", { class: "status-" + j.status, "data-field": "status" }, j.status),
        el("td", {}, `${j.attempts}/${j.max_attempts}`),
        el("td", {}, formatTime(j.created_at)), el("td", {}, formatTime(j.finished_at))));
    }
    $("jobs-empty").hidden = page.jobs.length > 0;
    state.cursor = page.next_cursor;
    $("jobs-older").disabled = !page.next_cursor;
  } catch (e) {
    notify("Listing jobs failed: " + e.message, true);
  }
}

async function openJob(id) {
  try {
    const j = await api("GET", "/jobs/" + encodeURIComponent(id));
    state.detailId = id;
    $("job-detail").hidden = false;
    $("detail-id").textContent = j.id;
    const timeline = $("detail-timeline");
    timeline.replaceChildren(
      el("li", {}, el("b", {}, "created"), formatTime(j.created_at)),
      ...(j.run_at ? [el("li", {}, el("b", {}, "due"), formatTime(j.run_at))] : []),
      el("li", {}, el("b", {}, "started"), formatTime(j.started_at)),
      el("li", {}, el("b", {}, j.status), formatTime(j.finished_at)));
    const fields = $("detail-fields");
    fields.replaceChildren();
    for (const [k, v] of [["status", j.status], ["queue", j.queue], ["type", j.type],
      ["attempts", `${j.attempts} of ${j.max_attempts}`], ["worker", j.worker || "–"],
      ["timeout", j.timeout_ms ? j.timeout_ms + " ms" : "none"],
      ["idempotency key", j.idempotency_key || "–"],
      ["progress", j.progress === null ? "–" : JSON.stringify(j.progress)]]) {
      fields.append(el("dt", {}, k), el("dd", { "data-field": k }, v));
    }
    $("detail-payload").textContent = JSON.stringify(j.payload, null, 2);
    $("detail-result").textContent = j.result === null ? "–" : JSON.stringify(j.result, null, 2);
    $("detail-error").textContent = j.error || "–";
    $("detail-cancel").disabled = ["completed", "failed", "cancelled"].includes(j.status);
    $("detail-retry").disabled = j.status !== "failed";
    $("job-detail").scrollIntoView({ block: "nearest" });
  } catch (e) {
    notify(`Job ${id}: ${e.message}`, true);
  }
}

function start() {
  $("token").value = state.token;
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value.trim();
    if (state.token) sessionStorage.setItem("coqueue.token", state.token);
    else sessionStorage.removeItem("coqueue.token");
    $("notice").hidden = true;
    if (state.socket) { const s = state.socket; state.socket = null; s.close(); }
    connect();
    listJobs(null);
  });
  $("job-filter").addEventListener("submit", (e) => { e.preventDefault(); listJobs(null); });
  $("jobs-newest").addEventListener("click", () => listJobs(null));
  $("jobs-older").addEventListener("click", () => listJobs(state.cursor));
  $("detail-close").addEventListener("click", () => { $("job-detail").hidden = true; });
  $("detail-cancel").addEventListener("click", () => act(`Cancel job ${state.detailId}?`, "DELETE",
    "/jobs/" + state.detailId, (j) => `Job ${j.id} is ${j.status}.`).then(() => openJob(state.detailId)));
  $("detail-retry").addEventListener("click", () => act(`Retry job ${state.detailId}?`, "POST",
    `/jobs/${state.detailId}/retry`, (j) => `Job ${j.id} is ${j.status} again.`).then(() => openJob(state.detailId)));
  connect();
  listJobs(null);
}

document.addEventListener("DOMContentLoaded", start);
