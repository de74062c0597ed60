#!/usr/bin/env node
// Property-based API testing (issue 6): runs schemathesis against the running service's own
// OpenAPI document, anonymously and with a real session, and fails on any server error or any
// status-code, content-type or response-schema non-conformance.
//
// Usage: node scripts/fuzz-api.mjs   (after `npm run build`; needs Python 3 for schemathesis)
// Env:   FUZZ_MAX_EXAMPLES (default 25), SCHEMATHESIS (path to `st`, default var/fuzz-venv/bin/st)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, 'var', 'fuzz-venv');
const stPath = process.env.SCHEMATHESIS ?? join(venv, 'bin', 'st');
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '25';
const checks =
  'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance';

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

function runSchemathesis(base, label, extra) {
  console.log(`\nfuzz: ${label} run (max ${maxExamples} examples per operation)`);
  const result = spawnSync(
    stPath,
    [
      'run',
      `${base}/api/v1/docs-json`,
      '--checks',
      checks,
      '--max-examples',
      maxExamples,
      '--no-color',
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, SCHEMATHESIS_HOOKS: '' },
    },
  );
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  // Schemathesis closes with "N generated, N passed[, N failed]"; keep the counts for the summary.
  const counts = /(\d+) generated(?:, (\d+) passed)?(?:, (\d+) failed)?/.exec(result.stdout) ?? [];
  return {
    ok: result.status === 0,
    passed: Number(counts[2] ?? 0),
    // A non-zero exit without a failure count (a crash, an unreachable schema) still counts once.
    failed: counts[3] ? Number(counts[3]) : result.status === 0 ? 0 : 1,
  };
}

async function main() {
  ensureSchemathesis();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-fuzz-'));
  const outboxDir = join(scratch, 'outbox');
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
  let ok = false;
  let passed = 0;
  let failed = 0;
  try {
    await waitFor(`${base}/health/ready`, 60_000);
    const anonymous = runSchemathesis(base, 'anonymous', []);
    const token = await signIn(base, outboxDir);
    // Logout would end the very session the run authenticates with; it is fuzzed anonymously above.
    const authenticated = runSchemathesis(base, 'authenticated', [
      '--header',
      `Authorization: Bearer ${token}`,
      '--exclude-path',
      '/auth/logout',
    ]);
    ok = anonymous.ok && authenticated.ok;
    passed = anonymous.passed + authenticated.passed;
    failed = anonymous.failed + authenticated.failed;
  } finally {
    service.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(ok ? '\nfuzz: passed' : '\nfuzz: FAILED');
  console.log(`schemathesis: ${passed} passed, ${failed} failed`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`fuzz: ${error.message}`);
  process.exit(1);
});
