import type { Server } from 'node:http';
import request from 'supertest';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { MISSING_ID } from 'test/utils/contract';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * docs/api.md#caching (issues 11 and 15): anonymous reads may be stored by
 * any cache, revalidated on every use; reads with credentials only by the caller's own cache,
 * revalidated on every use (their ETag covers the exact bytes), except the account's own data
 * under /auth, never stored; writes and errors never stored.
 */

const API = '/api/v1';
const NO_STORE = 'private, no-store';
const PRIVATE = 'private, no-cache';
const PUBLIC = 'public, max-age=0, must-revalidate';

describe('Cache-Control', () => {
  let t: TestApp;
  let http: Server;
  let user: TestUser;
  let videoId: string;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
    http = t.app.getHttpServer();
    user = await createVerifiedUser(t);
    videoId = await insertVideo(t, user.id, { isPublished: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('marks anonymous public reads public but revalidated, and keeps their ETag and 304', async () => {
    for (const path of [
      `${API}/video`,
      `${API}/video/${videoId}`,
      `${API}/user/${user.username}`,
    ]) {
      const res = await request(http).get(path).expect(200);
      expect(res.headers['cache-control']).toBe(PUBLIC);
      expect(res.headers.etag).toBeDefined();
      const fresh = await request(http).get(path).set('If-None-Match', res.headers.etag);
      expect(fresh.status).toBe(304);
      expect(fresh.headers['cache-control']).toBe(PUBLIC);
    }
  });

  it('marks the same reads private as soon as the caller sends credentials, and keeps their 304', async () => {
    const path = `${API}/video/${videoId}`;
    const withHeader = await request(http).get(path).set('Authorization', user.authHeader);
    expect(withHeader.status).toBe(200);
    expect(withHeader.headers['cache-control']).toBe(PRIVATE);
    const withCookie = await request(http).get(path).set('Cookie', user.cookies);
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers['cache-control']).toBe(PRIVATE);
    const refreshOnly = await request(http)
      .get(path)
      .set('Cookie', `refreshToken=${user.refreshToken}`);
    expect(refreshOnly.headers['cache-control']).toBe(PRIVATE);
    const fresh = await request(http)
      .get(path)
      .set('Authorization', user.authHeader)
      .set('If-None-Match', withHeader.headers.etag);
    expect(fresh.status).toBe(304);
    expect(fresh.headers['cache-control']).toBe(PRIVATE);
  });

  it.each(['/user/history', '/like/liked-videos', '/dashboard/stats', '/video/me', '/playlist/me'])(
    'lets only the caller’s own cache keep GET %s, revalidated; refused, nothing is stored',
    async (path) => {
      const signedIn = await request(http)
        .get(`${API}${path}`)
        .set('Authorization', user.authHeader);
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers['cache-control']).toBe(PRIVATE);
      expect(signedIn.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      const anonymous = await request(http).get(`${API}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['cache-control']).toBe(NO_STORE);
      expect(anonymous.headers.etag).toBeUndefined();
    },
  );

  it('never lets a cache store the account read with credentials (GET /auth/*), ETag and 304 still work', async () => {
    const me = await request(http).get(`${API}/auth/me`).set('Authorization', user.authHeader);
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe(NO_STORE);
    const fresh = await request(http)
      .get(`${API}/auth/me`)
      .set('Authorization', user.authHeader)
      .set('If-None-Match', me.headers.etag);
    expect(fresh.status).toBe(304);
    expect(fresh.headers['cache-control']).toBe(NO_STORE);
    const anonymous = await request(http).get(`${API}/auth/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['cache-control']).toBe(NO_STORE);
  });

  it('never lets a cache store a write or a read of /auth with credentials', async () => {
    const login = await request(http)
      .post(`${API}/auth/login`)
      .send({ identifier: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toBeDefined();
    expect(login.headers['cache-control']).toBe(NO_STORE);
    expect(login.headers.etag).toBeUndefined();
    const check = await request(http)
      .get(`${API}/auth/check-username?username=${user.username}`)
      .set('Cookie', user.cookies);
    expect(check.headers['cache-control']).toBe(NO_STORE);
    const edit = await request(http)
      .patch(`${API}/video/${videoId}`)
      .set('Authorization', user.authHeader)
      .send({ title: 'Cached nowhere' });
    expect(edit.status).toBe(200);
    expect(edit.headers['cache-control']).toBe(NO_STORE);
    expect(edit.headers.etag).toBeUndefined();
  });

  it('never lets a cache store an error, for signed-in and anonymous callers alike, and tags none', async () => {
    const signedIn = await request(http)
      .get(`${API}/video/${MISSING_ID}`)
      .set('Authorization', user.authHeader);
    expect(signedIn.status).toBe(404);
    expect(signedIn.headers['cache-control']).toBe(NO_STORE);
    expect(signedIn.headers.etag).toBeUndefined();
    const anonymous = await request(http)
      .get(`${API}/video/${MISSING_ID}`)
      .set('If-None-Match', '*');
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers['cache-control']).toBe(NO_STORE);
    expect(anonymous.headers.etag).toBeUndefined();
  });

  it('marks every GET route of the route table private (or no-store) for a signed-in caller', async () => {
    const routes = routeTable(t.app).filter(
      (route) =>
        route.method === 'GET' &&
        !route.path.startsWith('/health') &&
        !route.path.startsWith('/media') &&
        // an event stream never ends; its headers are pinned by notification-stream.e2e-spec
        route.path !== '/notifications/stream',
    );
    expect(routes.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z]+/g, (name) =>
        name === ':username' ? user.username : MISSING_ID,
      );
      const res = await request(http).get(`${API}${path}`).set('Authorization', user.authHeader);
      const expected = res.status >= 400 || path.startsWith('/auth/') ? NO_STORE : PRIVATE;
      if (res.status >= 500 || res.headers['cache-control'] !== expected)
        failures.push(`GET ${path}: ${res.status} ${res.headers['cache-control']}`);
    }
    expect(failures).toEqual([]);
  });
});
