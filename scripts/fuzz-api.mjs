#!/usr/bin/env node
// Property-based API testing (issues 6 and 11): runs schemathesis with every check against the
// running service's own OpenAPI document, signed in and then anonymously, with the rate limits
// relaxed; for each, the examples, coverage and fuzzing phases, then the stateful phase on its own.
// Settings and the per-operation exceptions are in schemathesis.toml; why, in
// docs/architecture.md ("API fuzzing").
//
// Each run's full report goes to var/fuzz/ (text, JUnit XML, JSON); the console gets one line per
// run in our own words, plus the failure sections when a run fails. The case counts of all runs
// are written to var/test-results/fuzz-summary.json as {"passed": N, "failed": N}.
//
// Usage: node_modules/.bin/node scripts/fuzz-api.mjs   (after `npm run build`; needs Python 3 for
//        schemathesis, and the pinned Node 24, which loads the TypeScript media fixtures directly)
// Env:   FUZZ_MAX_EXAMPLES (default 25), FUZZ_SEED (default a fixed seed; `random` for a new one),
//        SCHEMATHESIS (path to `st`, default var/fuzz-venv/bin/st)

import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, 'var', 'fuzz-venv');
const stPath = process.env.SCHEMATHESIS ?? join(venv, 'bin', 'st');
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '25';
// One fixed seed and no example database by default: CI fuzzes the same cases on every machine,
// so a run that passed here passes there (and a failure replays). FUZZ_SEED=random explores.
const seed = process.env.FUZZ_SEED ?? '20261202';
const reportDir = join(root, 'var', 'fuzz');
const summaryFile = join(root, 'var', 'test-results', 'fuzz-summary.json');

function ensureSchemathesis() {
  if (existsSync(stPath)) return;
  console.log('fuzz: installing schemathesis into var/fuzz-venv');
  const steps = [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '-q', 'schemathesis==4.32.5']],
  ];
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  }
}

/** One valid file per upload media type, from the test fixtures (Node strips their types). */
function writeMediaSamples(dir) {
  mkdirSync(dir, { recursive: true });
  const script = `
    import { writeFileSync } from 'node:fs';
    import { tinyJpeg, tinyMp4, tinyPng } from ${JSON.stringify(join(root, 'test/fixtures/media.fixture.ts'))};
    const dir = ${JSON.stringify(dir)};
    writeFileSync(dir + '/sample.mp4', tinyMp4());
    writeFileSync(dir + '/sample.jpg', tinyJpeg());
    writeFileSync(dir + '/sample.png', tinyPng());
  `;
  const result = spawnSync(
    process.execPath,
    ['--no-warnings', '--input-type=module', '--eval', script],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('could not write the media samples');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function api(base, method, path, body, headers = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res;
}

function latestCode(outboxDir, to) {
  const files = readdirSync(outboxDir).sort();
  for (const file of files.reverse()) {
    const message = JSON.parse(readFileSync(join(outboxDir, file), 'utf8'));
    if (message.to === to) {
      const match = /\b(\d{6})\b/.exec(message.text);
      if (match) return match[1];
    }
  }
  throw new Error(`no code mailed to ${to}`);
}

async function signIn(base, outboxDir) {
  const email = `fuzz${Date.now()}@example.test`;
  const password = 'Fuzzing-pass-1';
  const reg = await api(base, 'POST', '/auth/register', {
    name: 'Fuzz',
    email,
    username: `fuzz${Date.now() % 1e8}`,
    password,
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
  const verify = await api(base, 'POST', '/auth/verify-account', {
    email,
    code: latestCode(outboxDir, email),
  });
  if (verify.status !== 200) throw new Error(`verify answered ${verify.status}`);
  const login = await api(base, 'POST', '/auth/login', { identifier: email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('accessToken='));
  return cookie.split(';')[0].slice('accessToken='.length);
}

/** Guest routes (contract §1.7) answer a signed-in caller 400 ALREADY_LOGGED_IN and read nothing. */
async function guestOperations(base) {
  const document = await (await fetch(`${base}/api/v1/docs-json`)).json();
  return Object.values(document.paths)
    .flatMap((item) => Object.values(item))
    .filter((operation) => operation.responses['400']?.description.includes('ALREADY_LOGGED_IN'))
    .map((operation) => operation.operationId);
}

/**
 * Drops the lines of a schemathesis report that read like a test runner's summary (its pytest-style
 * `=== … ===` banners and `N generated, N passed` counts); CI's own count is printed elsewhere.
 */
function withoutSummaries(lines) {
  return lines.filter((line) => !/^=+ .* =+$/.test(line) && !/\b\d+ (passed|failed)\b/.test(line));
}

/** The report's failure (and error) sections, without schemathesis' `=== … ===` banners. */
function failureSections(text) {
  const sections = [];
  let keep = false;
  for (const line of text.split('\n')) {
    const banner = /^=+ (.+?) =+$/.exec(line);
    if (banner) {
      keep = banner[1] === 'FAILURES' || banner[1] === 'ERRORS';
      continue;
    }
    if (keep) sections.push(line);
  }
  return withoutSummaries(sections).join('\n').trim();
}

function describeWarnings(warnings = {}) {
  const notes = [];
  const add = (list, what) => {
    if (list?.length) notes.push(`${list.length} ${what}`);
  };
  add(warnings.missing_auth, 'only ever 401/403');
  add(warnings.missing_test_data, 'only ever 404');
  add(warnings.validation_mismatch, 'mostly 400 on generated data');
  return notes.length > 0 ? `; operations seeing ${notes.join(', ')}` : '';
}

function runSchemathesis(base, label, extra, env) {
  const slug = label.replace(/[\s,]+/g, '-');
  const textReport = join(reportDir, `report-${slug}.txt`);
  const jsonReport = join(reportDir, `report-${slug}.json`);
  rmSync(jsonReport, { force: true });
  const out = openSync(textReport, 'w');
  const result = spawnSync(
    stPath,
    [
      '--config-file',
      join(root, 'schemathesis.toml'),
      '--no-color',
      'run',
      `${base}/api/v1/docs-json`,
      '--max-examples',
      maxExamples,
      ...(seed === 'random' ? [] : ['--seed', seed, '--generation-database', 'none']),
      '--report',
      'junit,json',
      '--report-junit-path',
      join(reportDir, `junit-${slug}.xml`),
      '--report-json-path',
      jsonReport,
      ...extra,
    ],
    // Schemathesis keeps its example database and cache in the working directory.
    { cwd: reportDir, stdio: ['ignore', out, out], env: { ...process.env, ...env } },
  );
  closeSync(out);
  const text = readFileSync(textReport, 'utf8');
  const report = existsSync(jsonReport) ? JSON.parse(readFileSync(jsonReport, 'utf8')) : null;
  const where = relative(root, textReport);
  if (!report?.test_cases) {
    // A crash or an unreadable schema: nothing was counted, so the run counts as one failure.
    console.log(`fuzz (${label}): did not complete (exit ${result.status}); report ${where}`);
    console.log(withoutSummaries(text.split('\n').slice(-30)).join('\n'));
    return { ok: false, passed: 0, failed: 1 };
  }
  const cases = report.test_cases;
  const failed = cases.with_failures + cases.errored;
  const passed = cases.generated - failed - cases.without_checks;
  const ok = result.status === 0 && failed === 0;
  const findings = report.failures.map((failure) => `${failure.code} ×${failure.count}`);
  const outcome =
    failed === 0 ? 'no failures' : `${failed} with failures (${findings.join(', ') || 'errors'})`;
  console.log(
    `fuzz (${label}): ${report.operations.tested} operations, ${cases.generated} cases, ` +
      `${outcome}${describeWarnings(report.warnings)}; report ${where}`,
  );
  if (!ok)
    console.log(failureSections(text) || withoutSummaries(text.split('\n').slice(-30)).join('\n'));
  return { ok, passed, failed: failed || (ok ? 0 : 1) };
}

function writeSummary(passed, failed) {
  mkdirSync(dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify({ passed, failed })}\n`);
}

async function main() {
  rmSync(summaryFile, { force: true });
  ensureSchemathesis();
  mkdirSync(reportDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-fuzz-'));
  const outboxDir = join(scratch, 'outbox');
  const mediaSamples = join(scratch, 'samples');
  writeMediaSamples(mediaSamples);
  const service = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: String(port),
      BASE_URL: base,
      LOG_LEVEL: 'error',
      LOG_FILES: 'false',
      BCRYPT_ROUNDS: '4',
      MAIL_OUTBOX_DIR: outboxDir,
      MEDIA_LOCAL_DIR: join(scratch, 'media'),
      UPLOAD_TMP_DIR: join(scratch, 'uploads'),
      // Fuzzing sends thousands of requests from one IP; the limits themselves are tested elsewhere.
      RATE_LIMIT_GLOBAL: '1000000',
      RATE_LIMIT_LOGIN: '1000000',
      RATE_LIMIT_REGISTER: '1000000',
      RATE_LIMIT_CODE_CHECK: '1000000',
      RATE_LIMIT_EMAIL_SEND: '1000000',
      RATE_LIMIT_LOGIN_FAILURES: '1000000',
      RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: '1000000',
    },
  });
  const runs = [];
  try {
    await waitFor(`${base}/health/ready`, 60_000);
    const env = {
      SCHEMATHESIS_HOOKS: join(root, 'scripts', 'fuzz', 'hooks.py'),
      FUZZ_MEDIA_DIR: mediaSamples,
    };
    const token = await signIn(base, outboxDir);
    // Signed in first, so the anonymous run then finds published content to read. Logout, and
    // revoking a session by id (schemathesis reuses the ids it reads, and the session list gives
    // it the run's own), would end the very session the run authenticates with; the guest routes
    // only answer ALREADY_LOGGED_IN to it. All of them are fuzzed anonymously. The notification
    // stream never ends for a signed-in caller (an event stream); anonymously it is a 401.
    const excluded = [
      'AuthController_logout_v1',
      'SessionsController_revoke_v1',
      'NotificationsController_stream_v1',
      ...(await guestOperations(base)),
    ];
    const signedIn = [
      '--header',
      `Authorization: Bearer ${token}`,
      ...excluded.flatMap((id) => ['--exclude-operation-id', id]),
    ];
    // The stateful phase runs on its own: after the other phases have filled schemathesis' pool
    // of captured ids, its scenario budget collapses to a dozen scenarios and the links go unused.
    for (const [label, extra] of [
      ['signed in', signedIn],
      ['anonymous', []],
    ]) {
      runs.push(
        runSchemathesis(base, label, ['--phases', 'examples,coverage,fuzzing', ...extra], env),
      );
      runs.push(
        runSchemathesis(base, `${label}, stateful`, ['--phases', 'stateful', ...extra], env),
      );
    }
  } finally {
    service.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  }
  const passed = runs.reduce((sum, run) => sum + run.passed, 0);
  const failed = runs.reduce((sum, run) => sum + run.failed, 0);
  writeSummary(passed, failed);
  const ok = runs.length === 4 && runs.every((run) => run.ok);
  console.log(ok ? 'fuzz: all runs clean' : 'fuzz: FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`fuzz: ${error.message}`);
  // The fuzzing itself could not run: count that as one failure, never as nothing to report.
  writeSummary(0, 1);
  process.exit(1);
});
