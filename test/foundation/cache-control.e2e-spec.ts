import type { Server } from 'node:http';
import request from 'supertest';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { MISSING_ID } from 'test/utils/contract';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * docs/api.md#caching (issue 11, item 7 i): whatever depends on the caller is never stored by a
 * cache (`private, no-store`); anonymous public reads may be, revalidated on every use.
 */

const API = '/api/v1';
const PERSONAL = 'private, no-store';
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

  it('marks the same reads personal as soon as the caller sends credentials', async () => {
    const path = `${API}/video/${videoId}`;
    const withHeader = await request(http).get(path).set('Authorization', user.authHeader);
    expect(withHeader.status).toBe(200);
    expect(withHeader.headers['cache-control']).toBe(PERSONAL);
    const withCookie = await request(http).get(path).set('Cookie', user.cookies);
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers['cache-control']).toBe(PERSONAL);
    const refreshOnly = await request(http)
      .get(path)
      .set('Cookie', `refreshToken=${user.refreshToken}`);
    expect(refreshOnly.headers['cache-control']).toBe(PERSONAL);
  });

  it.each([
    '/auth/me',
    '/user/history',
    '/like/liked-videos',
    '/dashboard/stats',
    '/video/me',
    '/playlist/me',
  ])('never lets a cache store GET %s, signed in or refused', async (path) => {
    const signedIn = await request(http).get(`${API}${path}`).set('Authorization', user.authHeader);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['cache-control']).toBe(PERSONAL);
    const anonymous = await request(http).get(`${API}${path}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['cache-control']).toBe(PERSONAL);
  });

  it('marks the auth endpoints and every write personal', async () => {
    const login = await request(http)
      .post(`${API}/auth/login`)
      .send({ identifier: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toBeDefined();
    expect(login.headers['cache-control']).toBe(PERSONAL);
    const check = await request(http)
      .get(`${API}/auth/check-username?username=${user.username}`)
      .set('Cookie', user.cookies);
    expect(check.headers['cache-control']).toBe(PERSONAL);
  });

  it('marks every error personal, for signed-in and anonymous callers alike', async () => {
    const signedIn = await request(http)
      .get(`${API}/video/${MISSING_ID}`)
      .set('Authorization', user.authHeader);
    expect(signedIn.status).toBe(404);
    expect(signedIn.headers['cache-control']).toBe(PERSONAL);
    const anonymous = await request(http).get(`${API}/video/${MISSING_ID}`);
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers['cache-control']).toBe(PERSONAL);
  });

  it('marks every GET route of the route table personal for a signed-in caller', async () => {
    const routes = routeTable(t.app).filter(
      (route) =>
        route.method === 'GET' &&
        !route.path.startsWith('/health') &&
        !route.path.startsWith('/media'),
    );
    expect(routes.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z]+/g, (name) =>
        name === ':username' ? user.username : MISSING_ID,
      );
      const res = await request(http).get(`${API}${path}`).set('Authorization', user.authHeader);
      if (res.status >= 500 || res.headers['cache-control'] !== PERSONAL)
        failures.push(`GET ${path}: ${res.status} ${res.headers['cache-control']}`);
    }
    expect(failures).toEqual([]);
  });
});
