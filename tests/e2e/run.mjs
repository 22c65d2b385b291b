#!/usr/bin/env node
// Browser tests: the back office in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core) against a real `kontor serve`.
//
//   run.mjs KONTOR [MKDB]
//
// Creates a throwaway database (SQLite in a temporary directory, or from
// MKDB for the backend named by KT_TEST_BACKEND) and data directory, loads
// the demo company, adds a staff administrator, a customer user and two
// products of its own, starts `kontor serve` on a free loopback port, runs
// the scenarios (scenarios.mjs) and stops everything again, on failure too.
//
// Every page a scenario visits is checked (checks.mjs): no console errors,
// screenshots at 390x844 and 1366x768, no horizontal overflow at 360 px,
// and the accessibility basics of the house UI rules. Prints TAP, one line
// per scenario and per page; exits 1 when anything failed.
//
// Screenshots go to $KONTOR_E2E_ARTIFACTS, or to e2e-artifacts/BACKEND/
// next to KONTOR (build/e2e-artifacts/sqlite/ for build/kontor).
// KONTOR_E2E_KEEP=1 keeps the temporary directory (database, data, log).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync,
         writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Tap } from './tap.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                       '--no-first-run', '--disable-background-networking',
                       '--disable-component-update', '--disable-sync'];

function usage(msg) {
  process.stderr.write(`run.mjs: ${msg}\nusage: run.mjs KONTOR [MKDB]\n`);
  process.exit(2);
}

const [kontorArg, mkdbArg] = process.argv.slice(2);
if (!kontorArg) usage('the path of the kontor binary is missing');
const KONTOR = path.resolve(kontorArg);
const MKDB = mkdbArg ? path.resolve(mkdbArg) : null;
const BACKEND = process.env.KT_TEST_BACKEND || 'sqlite';
if (!['sqlite', 'postgres'].includes(BACKEND)) usage(`unknown KT_TEST_BACKEND '${BACKEND}'`);
if (BACKEND === 'postgres' && !MKDB) usage('PostgreSQL needs MKDB to make a database');
const ARTIFACTS = path.resolve(process.env.KONTOR_E2E_ARTIFACTS ||
                               path.join(path.dirname(KONTOR), 'e2e-artifacts', BACKEND));

// The demo logins this run creates; the passwords are throwaway.
const STAFF = { login: 'e2e-admin', password: 'e2e-admin-pass-7', name: 'E2E Administrator' };
const BUYER = { login: 'e2e-buyer', password: 'e2e-buyer-pass-7', name: 'E2E Buyer' };

const tap = new Tap();
let tmp = null;
let dbUrl = null;
let server = null;
let chromiumProcess = null;
let cleaning = null;

// The environment of kontor itself: no KONTOR_* settings of the caller leak
// in; kontor.ini says everything.
function kontorEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KONTOR_')) env[k] = v;
  return env;
}

function kontor(args, input) {
  const r = spawnSync(KONTOR, ['--config', path.join(tmp, 'kontor.ini'), '--log-level', 'warn',
                               ...args],
                      { cwd: tmp, env: kontorEnv(), input, encoding: 'utf8', timeout: 120000 });
  if (r.error) throw new Error(`kontor ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`kontor ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

function makeDatabase() {
  if (!MKDB) return `sqlite://${path.join(tmp, 'kontor.db')}`;
  const r = spawnSync(MKDB, [], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`mkdb failed: ${(r.stderr || r.error || '').toString().trim()}`);
  return r.stdout.trim();
}

function setUp() {
  tmp = mkdtempSync(path.join(tmpdir(), 'kontor-e2e-'));
  dbUrl = makeDatabase();
  writeFileSync(path.join(tmp, 'kontor.ini'), `[database]
url = ${dbUrl}
[data]
dir = ${tmp}/var
[web]
dir = ${REPO}/web
[http]
threads = 4
shutdown_s = 5
[worker]
poll_ms = 200
[access]
password_mem_kib = 8
password_ops = 1
`);
  kontor(['init']);
  kontor(['demo']);
  kontor(['user', 'add', STAFF.login, '--name', STAFF.name, '--role', 'admin',
          '--password-stdin'], `${STAFF.password}\n`);
  const customers = JSON.parse(kontor(['--json', 'customer', 'list'])).customers;
  if (!customers.length) throw new Error('kontor demo created no customers');
  kontor(['user', 'add', BUYER.login, '--name', BUYER.name, '--customer', customers[0].code,
          '--role', 'customer_all', '--password-stdin'], `${BUYER.password}\n`);
  // Two products of our own, so that what the autocomplete offers is known.
  kontor(['product', 'add', 'E2E-ZOLW-1', '--name', 'Żółw ogrodowy zielony',
          '--name-en', 'Garden turtle, green', '--vat', '23', '--unit', 'pcs']);
  kontor(['product', 'add', 'E2E-ZOLW-2', '--name', 'Żółwik dekoracyjny',
          '--name-en', 'Decorative turtle', '--vat', '23', '--unit', 'pcs']);
}

// Starts kontor serve on a port the system picks and waits for /healthz.
async function startServer() {
  const log = path.join(tmp, 'serve.log');
  const logFd = openSync(log, 'a');
  const proc = spawn(KONTOR, ['--config', path.join(tmp, 'kontor.ini'), 'serve', '--listen',
                              '127.0.0.1:0'],
                     { cwd: tmp, env: kontorEnv(), stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  server = { proc, log, exited: null };
  server.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const fail = (why) => reject(new Error(`kontor serve did not start: ${why}\n${readLog()}`));
    const timer = setTimeout(() => fail('no "serving" line within 30 s'), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(`it exited with status ${code}`); });
  });
  proc.stdout.resume();
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) break;
      throw new Error(`/healthz answered ${r.status}`);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`kontor serve is not healthy: ${e.message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return base;
}

function readLog() {
  try { return readFileSync(server.log, 'utf8'); } catch { return ''; }
}

// SIGTERM and the exit status; a server that hangs is killed after 20 s.
async function stopServer() {
  if (!server || server.proc.exitCode !== null || server.proc.signalCode !== null)
    return server ? server.exited : null;
  server.proc.kill('SIGTERM');
  const killer = setTimeout(() => server.proc.kill('SIGKILL'), 20000);
  const how = await server.exited;
  clearTimeout(killer);
  return how;
}

async function cleanUp() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    if (chromiumProcess) await chromiumProcess.close().catch(() => {});
    chromiumProcess = null;
    await stopServer();
    if (MKDB && dbUrl) spawnSync(MKDB, ['--drop', dbUrl], { env: process.env });
    if (tmp && process.env.KONTOR_E2E_KEEP) tap.comment(`kept ${tmp}`);
    else if (tmp) rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    tap.close(`interrupted by ${sig}; the server and browser were stopped`);
    cleanUp().finally(() => process.exit(1));
  });
}

async function main() {
  const pw = path.join(HERE, 'node_modules', 'playwright-core', 'index.mjs');
  if (!existsSync(pw)) {
    tap.bail(`${pw} is missing: run scripts/install-deps (it runs npm ci --prefix tests/e2e)`);
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    tap.bail(`${CHROMIUM} is missing: run scripts/install-deps (Debian package chromium)`);
    return 1;
  }
  const { chromium } = await import(pw);
  const { runScenarios } = await import('./scenarios.mjs');
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  let base;
  try {
    setUp();
    base = await startServer();
  } catch (e) {
    tap.bail(e.message);
    return 1;
  }
  tap.comment(`kontor serve at ${base} on ${BACKEND}; screenshots in ${ARTIFACTS}`);

  // A persistent context gives chromium a fresh --user-data-dir of ours
  // (closing it ends the browser); each scenario works in a context of its
  // own, with its own cookies.
  chromiumProcess = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const browser = chromiumProcess.browser();

  await runScenarios({ tap, browser, base, artifacts: ARTIFACTS, staff: STAFF, buyer: BUYER });
  const { runOrderScenarios } = await import('./orders.mjs');
  await runOrderScenarios({ tap, browser, base, artifacts: ARTIFACTS, staff: STAFF });

  const how = await stopServer();
  const log = readLog();
  const serverErrors = log.split('\n').filter((l) => /\blevel=error\b|\bstatus=5\d\d\b/.test(l));
  tap.check(how && how.code === 0 && serverErrors.length === 0,
            'kontor serve answered no request with 5xx, logged no error and exited 0 on SIGTERM',
            [`exit: ${JSON.stringify(how)}`, ...serverErrors.slice(0, 20)]);
  writeFileSync(path.join(ARTIFACTS, 'serve.log'), log);
  return tap.failed ? 1 : 0;
}

let status = 1;
try {
  status = await main();
} catch (e) {
  tap.bail(e.stack || String(e));
  status = 1;
} finally {
  if (server) {
    try { writeFileSync(path.join(ARTIFACTS, 'serve.log'), readLog()); } catch { /* no artefacts dir */ }
  }
  await cleanUp();
}
tap.plan();
process.exit(status);
