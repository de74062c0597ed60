import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { TestUser } from 'test/factories/users.factory';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { expectError, MISSING_ID } from 'test/utils/contract';
import { readLogLines, waitForLogLines } from 'test/utils/log-file';
import { type RawResponse, rawRequest } from 'test/utils/raw-http';
import type { TestApp } from 'test/utils/test-app';
import { startHostileApp } from 'test/security/hostile-app.util';

/**
 * Issue 11, items 3 and 7 (ii): input an outside probe sent that answered 500 (a RangeError in
 * class-transformer, an unmapped zlib error, a URIError in validator.js) or was silently kept
 * (prototype keys). Sent as an attacker sends it, through node:http; every answer must be the
 * JSON error body with a 4xx, logged at warn and never at error.
 */

const API = '/api/v1';
const JSON_TYPE = { 'Content-Type': 'application/json' };
const DEPTH_MESSAGE = 'Request body must not nest deeper than 32 levels';
const ENCODING_MESSAGE = 'Unsupported content encoding';

/** `{"a":[[[…]]]}` with `levels` levels of nesting in all. */
function nestedBody(levels: number): string {
  const arrays = levels - 1;
  return `{"a":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}

/** A JSON body whose `field` holds a lone high surrogate, written as JSON allows it: escaped. */
function loneSurrogate(body: Record<string, string>, field: string): string {
  return JSON.stringify({ ...body, [field]: 'PLACEHOLDER' }).replace(
    '"PLACEHOLDER"',
    '"x\\ud800@example.test"',
  );
}

describe('Hostile input at the HTTP edge (issue 11)', () => {
  let t: TestApp;
  let port: number;
  let user: TestUser;
  let logDir: string;
  let sequence = 0;

  beforeAll(async () => {
    ({ t, port, user, logDir } = await startHostileApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends one request with its own request id and returns the answer. */
  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer | string,
  ): Promise<RawResponse & { requestId: string }> {
    const requestId = `hostile-${++sequence}`;
    const res = await rawRequest(
      port,
      method,
      path,
      { ...headers, 'X-Request-Id': requestId },
      body,
    );
    return { ...res, requestId };
  }

  /** The refusal was logged once at warn, and nothing of this request at error. */
  async function expectLoggedAtWarn(requestId: string): Promise<void> {
    const warned = await waitForLogLines(
      logDir,
      (line) => line.requestId === requestId && line.level === 'warn',
    );
    expect(warned).toHaveLength(1);
    const errors = readLogLines(logDir).filter((line) => line.level === 'error');
    expect(errors).toEqual([]);
  }

  describe('deep nesting (3a)', () => {
    it.each([
      '/auth/register',
      '/auth/login',
      '/auth/verify-account',
      '/auth/resend-verification',
      '/auth/forgot-password',
      '/auth/reset-password',
    ])('answers 1,500 levels (a 3 KB body) on POST %s with 400', async (route) => {
      const body = nestedBody(1500);
      expect(body.length).toBeLessThan(3100);
      const res = await send('POST', `${API}${route}`, JSON_TYPE, body);
      expectError(res, 400, 'VALIDATION_ERROR', DEPTH_MESSAGE);
      expect(res.body?.errors).toEqual([
        { field: 'body', location: 'body', message: DEPTH_MESSAGE },
      ]);
      await expectLoggedAtWarn(res.requestId);
    });

    it('reads 32 levels as a body and refuses 33', async () => {
      const allowed = await send('POST', `${API}/auth/login`, JSON_TYPE, nestedBody(32));
      expect(allowed.status).toBe(400);
      expect(allowed.body?.errors).toContainEqual({
        field: 'a',
        location: 'body',
        message: 'a is not allowed',
      });
      const refused = await send('POST', `${API}/auth/login`, JSON_TYPE, nestedBody(33));
      expectError(refused, 400, 'VALIDATION_ERROR', DEPTH_MESSAGE);
    });

    it('refuses deep nesting for a signed-in caller as well', async () => {
      const res = await send(
        'PATCH',
        `${API}/playlist/${MISSING_ID}`,
        { ...JSON_TYPE, Authorization: user.authHeader },
        nestedBody(1500),
      );
      expectError(res, 400, 'VALIDATION_ERROR', DEPTH_MESSAGE);
    });
  });

  describe('encoded request bodies (3b): refused with 415', () => {
    const login = JSON.stringify({ identifier: 'somebody', password: 'dance floor 42' });
    const cases: [string, string, Buffer | string][] = [
      ['a broken gzip stream', 'gzip', 'this is not gzip'],
      ['a truncated gzip stream', 'gzip', gzipSync(login).subarray(0, 12)],
      ['a broken deflate stream', 'deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00])],
      ['a broken brotli stream', 'br', Buffer.from([0xff, 0xff, 0xff, 0xff])],
      ['a valid gzip body', 'gzip', gzipSync(login)],
      ['a valid deflate body', 'deflate', deflateSync(login)],
      ['a valid brotli body', 'br', brotliCompressSync(login)],
      ['a gzip bomb header on a tiny body', 'gzip, gzip', gzipSync(gzipSync(login))],
      ['an unknown coding', 'x-unknown', login],
      ['a coding Node has a decoder for', 'zstd', login],
      ['a chain with identity', 'identity, gzip', gzipSync(login)],
    ];

    it.each(cases)('answers %s (Content-Encoding: %s) with 415', async (_name, coding, body) => {
      const res = await send(
        'POST',
        `${API}/auth/login`,
        { ...JSON_TYPE, 'Content-Encoding': coding },
        body,
      );
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', ENCODING_MESSAGE);
      expect(res.headers['accept-encoding']).toBe('identity');
      await expectLoggedAtWarn(res.requestId);
    });

    it('reads a body declared identity as it is', async () => {
      const res = await send(
        'POST',
        `${API}/auth/login`,
        { ...JSON_TYPE, 'Content-Encoding': 'identity' },
        login,
      );
      expectError(res, 401, 'INVALID_CREDENTIALS', 'Invalid credentials');
    });

    it('refuses an encoded body on the upload routes before busboy reads it', async () => {
      const boundary = 'hostile-boundary';
      const multipart = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="profileImage"; filename="a.png"\r\n` +
            'Content-Type: image/png\r\n\r\n',
        ),
        tinyPng(),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const headers = {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        Authorization: user.authHeader,
      };
      for (const [method, path, body] of [
        ['PATCH', `${API}/user/profileimage`, gzipSync(multipart)],
        ['PATCH', `${API}/user/profileimage`, Buffer.from('not gzip at all')],
        ['POST', `${API}/video`, gzipSync(tinyMp4())],
      ] as const) {
        const res = await send(method, path, { ...headers, 'Content-Encoding': 'gzip' }, body);
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', ENCODING_MESSAGE);
      }
    });
  });

  describe('ill-formed Unicode (3c)', () => {
    const anonymous: [string, Record<string, string>, string][] = [
      [
        '/auth/register',
        { name: 'Probe', username: 'probe_user', password: 'dance floor 42', email: '' },
        'email',
      ],
      ['/auth/verify-account', { email: '', code: '123456' }, 'email'],
      ['/auth/resend-verification', { email: '' }, 'email'],
      ['/auth/forgot-password', { email: '' }, 'email'],
      [
        '/auth/reset-password',
        { email: '', code: '123456', newPassword: 'another floor 7' },
        'email',
      ],
      ['/auth/login', { identifier: '', password: 'dance floor 42' }, 'identifier'],
    ];

    it.each(anonymous)(
      'answers a lone surrogate in POST %s with 400 naming the field',
      async (route, body, field) => {
        const res = await send('POST', `${API}${route}`, JSON_TYPE, loneSurrogate(body, field));
        const message = `${field} must be valid Unicode text`;
        expectError(res, 400, 'VALIDATION_ERROR', message);
        expect(res.body?.errors).toEqual([{ field, location: 'body', message }]);
        await expectLoggedAtWarn(res.requestId);
      },
    );

    it('answers a lone surrogate in PATCH /user/email with 400 naming the field', async () => {
      const res = await send(
        'PATCH',
        `${API}/user/email`,
        { ...JSON_TYPE, Authorization: user.authHeader },
        loneSurrogate({ email: '', password: user.password }, 'email'),
      );
      expectError(res, 400, 'VALIDATION_ERROR', 'email must be valid Unicode text');
      await expectLoggedAtWarn(res.requestId);
    });

    it('reports it beside the other problems of the body, and never as a missing field', async () => {
      const res = await send(
        'POST',
        `${API}/auth/register`,
        JSON_TYPE,
        loneSurrogate({ name: '', username: 'ab', password: 'dance floor 42', email: '' }, 'email'),
      );
      expect(res.status).toBe(400);
      expect(res.body?.errors).toEqual(
        expect.arrayContaining([
          { field: 'email', location: 'body', message: 'email must be valid Unicode text' },
          { field: 'name', location: 'body', message: 'Name is required' },
        ]),
      );
      expect(res.body?.message).not.toContain('Email is required');
    });

    it('names a path parameter that is not UTF-8 once decoded', async () => {
      const profile = await send('GET', `${API}/user/%ED%A0%80`, {});
      expectError(profile, 400, 'VALIDATION_ERROR', 'username must be valid Unicode text');
      expect(profile.body?.errors).toEqual([
        { field: 'username', location: 'params', message: 'username must be valid Unicode text' },
      ]);
      await expectLoggedAtWarn(profile.requestId);
      const video = await send('GET', `${API}/video/%ED%A0%80`, {});
      expectError(video, 400, 'INVALID_ID', 'Invalid ID');
      expect(video.body?.errors).toEqual([
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);
      const follower = await send('GET', `${API}/follower/followers/%FF`, {});
      expectError(follower, 400, 'INVALID_ID', 'Invalid ID');
    });

    it('reads a query string that is not UTF-8 with replacement characters, not a 500', async () => {
      const res = await send('GET', `${API}/user/search?query=%ED%A0%80`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, data: [] });
    });
  });

  describe('prototype keys (7 ii)', () => {
    it.each(['__proto__', 'constructor', 'prototype'])(
      'answers %s at the top of a body like any unknown key',
      async (key) => {
        const res = await send(
          'POST',
          `${API}/auth/login`,
          JSON_TYPE,
          `{"identifier":"somebody","password":"dance floor 42","${key}":{"isAdmin":true}}`,
        );
        expectError(res, 400, 'VALIDATION_ERROR', `${key} is not allowed`);
        expect(res.body?.errors).toEqual([
          { field: key, location: 'body', message: `${key} is not allowed` },
        ]);
      },
    );

    it('names them anywhere in the body, beside the unknown keys, in the same format', async () => {
      const res = await send(
        'POST',
        `${API}/auth/login`,
        JSON_TYPE,
        '{"identifier":{"constructor":{"prototype":{"polluted":true}}},"password":"x","role":"admin"}',
      );
      expectError(
        res,
        400,
        'VALIDATION_ERROR',
        'identifier.constructor is not allowed, role is not allowed',
      );
      expect(res.body?.errors).toEqual([
        {
          field: 'identifier.constructor',
          location: 'body',
          message: 'identifier.constructor is not allowed',
        },
        { field: 'role', location: 'body', message: 'role is not allowed' },
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses them on routes that take no body', async () => {
      const res = await send(
        'POST',
        `${API}/like/toggle-video-like/${MISSING_ID}`,
        { ...JSON_TYPE, Authorization: user.authHeader },
        '{"__proto__":{"isAdmin":true}}',
      );
      expectError(res, 400, 'VALIDATION_ERROR', '__proto__ is not allowed');
    });
  });
});
