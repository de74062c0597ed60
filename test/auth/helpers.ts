import type { Response } from 'supertest';
import request from 'supertest';
import { lastCode } from 'test/utils/outbox';
import type { TestApp } from 'test/utils/test-app';

export const API = '/api/v1';

/** Route buckets high enough that a test file never trips them unless it means to. */
export const RELAXED_LIMITS: Record<string, string> = {
  RATE_LIMIT_GLOBAL: '100000',
  RATE_LIMIT_LOGIN: '100000',
  RATE_LIMIT_REGISTER: '100000',
  RATE_LIMIT_CODE_CHECK: '100000',
  RATE_LIMIT_EMAIL_SEND: '100000',
};

export type Http = ReturnType<TestApp['app']['getHttpServer']>;

/** A session document as stored: its `_id` is the random session id, a string. */
export type StoredSession = { _id: string } & Record<string, unknown>;

export function expectError(res: Response, status: number, code: string, message?: string): void {
  expect({ status: res.status, code: res.body?.code, message: res.body?.message }).toEqual({
    status,
    code,
    message: message ?? res.body?.message,
  });
  expect(res.body).toMatchObject({ statusCode: status, success: false });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

export function expectSuccess(res: Response, status: number, message: string): void {
  expect({ status: res.status, message: res.body?.message }).toEqual({ status, message });
  expect(res.body).toMatchObject({ statusCode: status, success: true });
  expect(Object.keys(res.body).sort()).toEqual(['data', 'message', 'statusCode', 'success']);
}

export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
  raw: string;
}

/** The Set-Cookie headers of a response, parsed. */
export function setCookies(res: Response): SetCookie[] {
  const header = res.headers['set-cookie'] as unknown;
  const lines = Array.isArray(header)
    ? (header as string[])
    : typeof header === 'string'
      ? [header]
      : [];
  return lines.map((raw) => {
    const [pair, ...parts] = raw.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const part of parts) {
      const at = part.indexOf('=');
      if (at === -1) attributes[part.toLowerCase()] = true;
      else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
    }
    return {
      name: pair.slice(0, eq),
      value: decodeURIComponent(pair.slice(eq + 1)),
      attributes,
      raw,
    };
  });
}

export function cookieValue(res: Response, name: string): string | undefined {
  return setCookies(res).find((cookie) => cookie.name === name)?.value;
}

/**
 * Both auth cookies cleared with the documented attributes (docs/api.md#cookies), Max-Age=0 and a
 * past Expires.
 */
export function expectCookiesCleared(res: Response): void {
  const cookies = setCookies(res);
  expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['accessToken', 'refreshToken']);
  for (const cookie of cookies) {
    expect(cookie.value).toBe('');
    expect(cookie.attributes['max-age']).toBe('0');
    expect(new Date(String(cookie.attributes.expires)).getTime()).toBeLessThan(Date.now());
    expect(cookie.attributes).toMatchObject({ path: '/', httponly: true, samesite: 'Lax' });
  }
}

/**
 * No secret leaves: none of these strings occurs anywhere in the raw response (body and non-cookie
 * headers).
 */
export function expectNoSecrets(res: Response, secrets: string[]): void {
  const { 'set-cookie': _cookies, ...headers } = res.headers as Record<string, unknown>;
  const visible = `${res.text ?? ''}\n${JSON.stringify(headers)}`;
  for (const secret of secrets.filter((value) => value.length > 0))
    expect(visible).not.toContain(secret);
  expect(res.text ?? '').not.toMatch(
    /"__v"|"password"|"tokenHash"|"codeHash"|"profileImageKey"|"attempts"/,
  );
}

export interface RegisteredUser {
  name: string;
  email: string;
  username: string;
  password: string;
}

let counter = 0;

export function newRegistration(overrides: Partial<RegisteredUser> = {}): RegisteredUser {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  return {
    name: `Dancer ${counter}`,
    email: `dancer_${tag}@example.test`,
    username: `dancer_${tag}`.slice(0, 30),
    password: 'salsa night 42',
    ...overrides,
  };
}

/** Register through the API, read the code from the outbox and verify: a verified account. */
export async function registerAndVerify(
  t: TestApp,
  overrides: Partial<RegisteredUser> = {},
): Promise<RegisteredUser> {
  const http = t.app.getHttpServer();
  const user = newRegistration(overrides);
  const registered = await request(http).post(`${API}/auth/register`).send(user);
  expect(registered.status).toBe(201);
  const code = lastCode(t, user.email, 'Verify your email');
  const verified = await request(http)
    .post(`${API}/auth/verify-account`)
    .send({ email: user.email, code });
  expect(verified.status).toBe(200);
  return user;
}

export interface LoggedIn {
  res: Response;
  accessToken: string;
  refreshToken: string;
  cookies: string[];
}

/** Login through the API; the two cookies as supertest `Cookie` values. */
export async function login(
  http: Http,
  identifier: string,
  password: string,
  ip?: string,
): Promise<LoggedIn> {
  const call = request(http).post(`${API}/auth/login`);
  if (ip) call.set('X-Forwarded-For', ip);
  const res = await call.send({ identifier, password });
  expect(res.status).toBe(200);
  const accessToken = cookieValue(res, 'accessToken') ?? '';
  const refreshToken = cookieValue(res, 'refreshToken') ?? '';
  return {
    res,
    accessToken,
    refreshToken,
    cookies: [`accessToken=${accessToken}`, `refreshToken=${refreshToken}`],
  };
}
