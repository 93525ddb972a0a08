// The dashboard, checked in a real browser: starts a deployment (embedded, or Redis with a
// worker process), submits jobs, opens the page in Debian's headless Chromium and checks that
// what it shows matches the API, that the job browser and a job's detail work, and that the
// admin actions ask, act and say what they did. Every process it starts is stopped by its PID.
//
// usage: node tests/browser/dashboard.mjs --server BIN --worker BIN --mode memory|redis
//          [--redis-server BIN] [--screenshot PATH]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const mode = args.mode || "memory";
const clientToken = "dashboard-client-token-0123456789";
const adminToken = "dashboard-admin-token-0123456789";
const children = [];
const scratch = mkdtempSync(join(tmpdir(), "coqueue-dashboard-"));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on("error", reject);
  });
}

function start(bin, argv, env = {}) {
  const child = spawn(bin, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  child.describe = () => `${bin} (pid ${child.pid}) exited ${child.exitCode}: ${stderr}`;
  children.push(child);
  return child;
}

function stopAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { process.kill(c.pid, "SIGKILL"); } catch (_) { /* already gone */ }
    }
  }
  rmSync(scratch, { recursive: true, force: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) { last = e.message; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: the page shows ${JSON.stringify(actual)}, the API says ${JSON.stringify(expected)}`);
  }
  console.log(`ok  ${what}: ${JSON.stringify(actual)}`);
}

async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const tokens = { COQUEUE_TOKEN: clientToken, COQUEUE_ADMIN_TOKEN: adminToken };
  const serverArgs = ["--listen", `127.0.0.1:${port}`, "--log-level", "warn"];
  let redisUrl;
  if (mode === "redis") {
    const redisPort = await freePort();
    start(args["redis-server"] || "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch]);
    redisUrl = `redis://127.0.0.1:${redisPort}/0`;
    await until("redis-server", () => new Promise((resolve) => {
      const probe = connect(redisPort, "127.0.0.1", () => { probe.end(); resolve(true); });
      probe.on("error", () => resolve(false));
    }));
    serverArgs.push("--backend", "redis", "--redis", redisUrl);
  } else {
    serverArgs.push("--backend", "memory", "--workers", "2", "--queues", "default,mail,reports");
  }
  const server = start(args.server, serverArgs, tokens);

  const call = async (method, path, body, token = adminToken) => {
    const r = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  await until("the server", async () => {
    if (server.exitCode !== null) throw new Error(server.describe());
    return (await fetch(base + "/readyz")).ok;
  });
  if (mode === "redis") {
    start(args.worker, ["--redis", redisUrl, "--queues", "default,mail,reports", "--concurrency", "4", "--log-level", "warn"]);
  }

  // Jobs: some done, some failed for good (dead letters), and a paused queue that holds its own.
  await call("POST", "/queues/reports/pause");
  for (let i = 0; i < 6; i++) await call("POST", "/jobs", { type: "echo", payload: { n: i } });
  for (let i = 0; i < 3; i++) await call("POST", "/jobs", { type: "fail", queue: "mail", max_attempts: 1 });
  for (let i = 0; i < 4; i++) await call("POST", "/jobs", { type: "echo", queue: "reports", payload: { r: i } });
  await until("the jobs to settle", async () => {
    const q = (await call("GET", "/queues")).queues;
    return q.default && q.default.completed === 6 && q.mail && q.mail.dead === 3 && q.reports.queued === 4;
  });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    // The refusals this test provokes (no token, a client token on an admin route) are expected.
    const expected = /Authentication failed|status of 40[13]/;
    page.on("console", (m) => { if (m.type() === "error" && !expected.test(m.text())) problems.push(`console: ${m.text()}`); });
    page.on("dialog", (d) => d.accept());
    const fetched = [];
    page.on("request", (r) => fetched.push(r.url()));

    // Without a token the page says it needs one; with it, it goes live.
    await page.goto(base + "/");
    await page.waitForSelector('#connection[data-state="unauthorized"]', { timeout: 15000 });
    console.log("ok  without a token the page asks for one");
    await page.fill("#token", clientToken);
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 15000 });
    await page.waitForSelector('#queues tr[data-queue="reports"]', { timeout: 15000 });
    console.log("ok  with the token the page is live over one WebSocket");

    // The numbers on screen are the API's.
    const api = await call("GET", "/queues", undefined, clientToken);
    const workers = await call("GET", "/workers", undefined, clientToken);
    for (const name of ["default", "mail", "reports"]) {
      const row = `#queues tr[data-queue="${name}"]`;
      for (const field of ["queued", "processing", "scheduled", "dead"]) {
        const shown = (await page.textContent(`${row} td[data-field="${field}"]`)).replace(/,/g, "");
        assertEqual(Number(shown), api.queues[name][field], `${name} ${field}`);
      }
    }
    assertEqual(await page.textContent('#queues tr[data-queue="reports"] td[data-field="state"]'), "paused", "reports state");
    assertEqual(Number(await page.textContent("#total-dead")), api.totals.dead, "dead letters in all");
    assertEqual(Number(await page.textContent("#workers-count")), workers.count, "live workers");
    assertEqual(await page.locator("#workers tbody tr").count(), workers.count, "worker rows");
    await until("the recent failures", async () => (await page.locator("#failures tbody tr").count()) === 3);
    const errors = await page.$$eval("#failures td.error", (cells) => cells.map((c) => c.textContent));
    assertEqual(errors, ["failing attempt 1 as asked", "failing attempt 1 as asked", "failing attempt 1 as asked"], "recent failures' errors");
    console.log("ok  recent failures show their errors");

    // The job browser lists what GET /jobs lists, newest first, and filters.
    const listed = await call("GET", "/jobs?limit=25", undefined, clientToken);
    await until("the job list", async () => (await page.locator("#jobs tbody tr").count()) === listed.jobs.length);
    assertEqual(await page.$$eval("#jobs tbody tr", (rows) => rows.map((r) => r.dataset.id)),
      listed.jobs.map((j) => j.id), "job browser ids");
    await page.selectOption("#filter-status", "failed");
    await page.click('#job-filter button[type="submit"]');
    const failed = await call("GET", "/jobs?limit=25&status=failed", undefined, clientToken);
    await until("the failed jobs", async () => (await page.locator("#jobs tbody tr").count()) === failed.jobs.length);
    assertEqual(await page.$$eval("#jobs tbody tr", (rows) => rows.map((r) => r.dataset.id)),
      failed.jobs.map((j) => j.id), "failed jobs");

    // One job's record: status, attempts, error, payload.
    await page.click(`#jobs tbody tr[data-id="${failed.jobs[0].id}"]`);
    await page.waitForSelector("#job-detail:not([hidden])");
    const one = await call("GET", "/jobs/" + failed.jobs[0].id, undefined, clientToken);
    assertEqual(await page.textContent("#detail-id"), one.id, "detail id");
    assertEqual(await page.textContent('#detail-fields dd[data-field="status"]'), one.status, "detail status");
    assertEqual(await page.textContent("#detail-error"), one.error, "detail error");
    assertEqual(JSON.parse(await page.textContent("#detail-payload")), one.payload, "detail payload");

    // Admin actions need the admin token: with the client token, refused and said so.
    await page.click('#queues tr[data-queue="mail"] button.danger');
    await until("the refusal", async () => /admin token/.test(await page.textContent("#notice")));
    console.log("ok  an admin action with the client token is refused and says why");
    await page.fill("#token", adminToken);
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('#connection[data-state="live"]');
    await until("the queue table", async () => (await page.locator('#queues tr[data-queue="mail"] button.danger').count()) === 1);
    await page.click('#queues tr[data-queue="mail"] button.danger');
    await until("the purge", async () => /Purged 3 dead letters of mail/.test(await page.textContent("#notice")));
    assertEqual((await call("GET", "/queues")).queues.mail.dead, 0, "mail dead letters after the purge");
    await page.click('#queues tr[data-queue="reports"] td.actions button:first-child');
    await until("the resume", async () => /Queue reports resumed/.test(await page.textContent("#notice")));
    await until("reports to drain", async () => (await call("GET", "/queues")).queues.reports.completed === 4);
    await until("the page to show it", async () =>
      (await page.textContent('#queues tr[data-queue="reports"] td[data-field="state"]')) === "running" &&
      (await page.textContent('#queues tr[data-queue="reports"] td[data-field="queued"]')) === "0");
    console.log("ok  purge and resume asked, done, shown");

    // A schedule: shown, firing, and paused from the page.
    await call("PUT", "/schedules/health-check", { every_ms: 1000, job: { type: "echo", payload: { check: "health" } } });
    await until("the schedule to fire", async () =>
      (await page.textContent('#schedules tr[data-schedule="health-check"] td[data-field="last_fired_at"]')) !== "–");
    await page.click('#schedules tr[data-schedule="health-check"] td.actions button');
    await until("the pause", async () => /Schedule health-check paused/.test(await page.textContent("#notice")));
    assertEqual((await call("GET", "/schedules/health-check")).paused, true, "health-check paused");
    await until("the page to show it", async () =>
      (await page.textContent('#schedules tr[data-schedule="health-check"] td[data-field="state"]')) === "paused");

    // Throughput drawn: the chart has a line once a few points exist.
    await until("the charts", async () => (await page.locator("#chart-throughput polyline.out").count()) === 1);
    if (args.screenshot) {
      await page.click("#detail-close");
      await page.screenshot({ path: args.screenshot, fullPage: true });
      console.log(`ok  screenshot in ${args.screenshot}`);
    }

    const foreign = fetched.filter((u) => !u.startsWith(base) && !u.startsWith("ws://127.0.0.1:" + port));
    if (foreign.length) throw new Error(`the page fetched from elsewhere: ${foreign.join(", ")}`);
    console.log("ok  nothing fetched from anywhere but this server");
    if (problems.length) throw new Error(problems.join("\n"));
  } finally {
    await browser.close();
  }
  for (const c of children) {
    if (c.exitCode !== null) throw new Error("a process died during the test: " + c.describe());
  }
  console.log(`dashboard (${mode}): all checks passed`);
}

main().then(() => { stopAll(); process.exit(0); }, (e) => { console.error("FAILED: " + (e.stack || e)); stopAll(); process.exit(1); });
