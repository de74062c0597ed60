import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RemoteSession {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface RemoteResponse {
  status: number;
  body: Record<string, unknown> | null;
  headers: Headers;
}

/** A request to a service running as its own process (see service-process.ts). */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; cookie?: string } = {},
): Promise<RemoteResponse> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.Cookie = options.cookie;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, headers: res.headers };
}

/** The code mailed to `to`, or null while it has not been written. */
function findCode(outboxDir: string, to: string): string | null {
  const files = existsSync(outboxDir)
    ? readdirSync(outboxDir)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .reverse()
    : [];
  for (const file of files) {
    const message = JSON.parse(readFileSync(join(outboxDir, file), 'utf8')) as {
      to: string;
      text: string;
    };
    const match = message.to === to ? /\b(\d{6})\b/.exec(message.text) : null;
    if (match) return match[1];
  }
  return null;
}

/** Mail goes out after the answer, so the code is awaited (10 s at most). */
async function codeFor(outboxDir: string, to: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const code = findCode(outboxDir, to);
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code in the outbox for ${to}`);
}

function cookieValue(headers: Headers, name: string): string {
  const cookie = headers.getSetCookie().find((entry) => entry.startsWith(`${name}=`));
  if (!cookie) throw new Error(`no ${name} cookie`);
  return cookie.split(';')[0].slice(name.length + 1);
}

/** Registers, verifies (code from the outbox directory) and signs in through the public API. */
export async function signUp(base: string, outboxDir: string): Promise<RemoteSession> {
  const suffix = randomBytes(4).toString('hex');
  const account = {
    username: `sys_${suffix}`,
    email: `sys_${suffix}@example.test`,
    password: 'System-test-42',
  };
  const api = `${base}/api/v1`;
  const registered = await call(api, 'POST', '/auth/register', {
    body: { name: 'System Test', ...account },
  });
  if (registered.status !== 201)
    throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const verified = await call(api, 'POST', '/auth/verify-account', {
    body: { email: account.email, code: await codeFor(outboxDir, account.email) },
  });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}`);
  return signIn(base, account);
}

export async function signIn(
  base: string,
  account: { username: string; email: string; password: string },
): Promise<RemoteSession> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: account.email, password: account.password }),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  return {
    ...account,
    accessToken: cookieValue(res.headers, 'accessToken'),
    refreshToken: cookieValue(res.headers, 'refreshToken'),
  };
}
