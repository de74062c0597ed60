import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { expectError, MISSING_ID } from 'test/utils/contract';
import { waitForLogLines } from 'test/utils/log-file';
import { listeningPort, rawExchange, type RawResponse } from 'test/utils/raw-http';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * docs/api.md#paths (issue 11, item 9): a known path answers a method it does not serve with
 * 405 and `Allow`, and OPTIONS with 204 and `Allow`; unknown paths stay 404. Node's own early
 * errors (bad request line, headers too large, request timeout) carry the JSON error body.
 */

const API = '/api/v1';
const PROBED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What a client reads of the error body Node answers with by itself: nothing. */
function expectRawError(res: RawResponse, status: number, code: string, message: string): void {
  expectError(res, status, code, message);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers.connection).toBe('close');
  expect(Object.keys(res.body ?? {}).sort()).toEqual([
    'code',
    'message',
    'requestId',
    'statusCode',
    'success',
  ]);
}

describe('HTTP conformance', () => {
  let t: TestApp;
  let http: Server;

  beforeAll(async () => {
    t = await createTestApp(
      { CORS_ORIGIN: 'http://client.test', RATE_LIMIT_GLOBAL: '1000000' },
      { imports: [ProbeModule] },
    );
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('405 for a known path with a method it does not serve', () => {
    it('answers with Allow and the error body, whatever the credentials', async () => {
      const res = await request(http)
        .delete(`${API}/probe/data`)
        .set('Authorization', 'Bearer nonsense');
      expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(Object.keys(res.body).sort()).toEqual([
        'code',
        'message',
        'requestId',
        'statusCode',
        'success',
      ]);
    });

    it('lists every method of a path with parameters, from the routes Nest registered', async () => {
      const res = await request(http).put(`${API}/video/${MISSING_ID}`);
      expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      expect(res.headers.allow).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
    });

    it('answers 405 when only a less specific route takes the method (a literal segment is not an id)', async () => {
      for (const auth of [undefined, 'Bearer nonsense']) {
        const call = request(http).patch(`${API}/video/me`);
        const res = await (auth ? call.set('Authorization', auth) : call);
        expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
        expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      }
      const bio = await request(http).get(`${API}/user/bio`);
      expectError(bio, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      expect(bio.headers.allow).toBe('PATCH, OPTIONS');
      const options = await request(http).options(`${API}/user/bio`);
      expect(options.status).toBe(204);
      expect(options.headers.allow).toBe('PATCH, OPTIONS');
      // A parameter value that names no literal route keeps its own answer.
      expectError(
        await request(http).get(`${API}/user/nobody_here`),
        404,
        'NOT_FOUND',
        'User not found',
      );
    });

    it('answers before rate limiting and authentication, like a 404', async () => {
      const res = await request(http).post(`${API}/auth/me`);
      expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    });

    it('covers the routes outside Nest: /health/live and the docs', async () => {
      for (const path of ['/health/live', '/health', `${API}/docs`, `${API}/docs-json`]) {
        const res = await request(http).post(path);
        expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
        expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      }
    });

    it('answers every unserved method of every API route with the methods its path serves', async () => {
      const routes = routeTable(t.app).filter(
        (route) => !route.path.startsWith('/health') && !route.path.startsWith('/media'),
      );
      expect(routes.length).toBeGreaterThan(40);
      const urlOf = (path: string): string =>
        `${API}${path.replace(/:[A-Za-z]+/g, (name) => (name === ':username' ? 'someone' : MISSING_ID))}`;
      // Independent of the app's table: the declared paths as patterns, matched against the URL;
      // only the most specific ones count (`/user/bio` is not a `/user/:username`), compared by
      // where their first parameter segment comes (later is more specific).
      const patterns = routes.map((route) => ({
        method: route.method,
        pattern: new RegExp(`^${API}${route.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
        shape: route.path
          .split('/')
          .filter(Boolean)
          .map((segment) => (segment.startsWith(':') ? '1' : '0'))
          .join(''),
      }));
      const failures: string[] = [];
      let probed = 0;
      for (const url of new Set(routes.map((route) => urlOf(route.path)))) {
        const matching = patterns.filter(({ pattern }) => pattern.test(url));
        const best = matching.map(({ shape }) => shape).sort()[0];
        const served = new Set(
          matching.filter(({ shape }) => shape === best).map(({ method }) => method),
        );
        if (served.has('GET')) served.add('HEAD');
        const allow = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
          .filter((method) => served.has(method))
          .concat('OPTIONS')
          .join(', ');
        for (const method of PROBED_METHODS.filter((candidate) => !served.has(candidate))) {
          probed += 1;
          const res = await request(http)[method.toLowerCase() as 'get'](url);
          if (
            res.status !== 405 ||
            res.body?.code !== 'METHOD_NOT_ALLOWED' ||
            res.headers.allow !== allow
          )
            failures.push(
              `${method} ${url}: ${res.status} ${res.body?.code} Allow: ${res.headers.allow}`,
            );
        }
      }
      expect(probed).toBeGreaterThan(100);
      expect(failures).toEqual([]);
    });

    it('keeps 404 ROUTE_NOT_FOUND for unknown paths, whatever the method', async () => {
      for (const [method, path] of [
        ['get', `${API}/nope`],
        ['delete', `${API}/nope`],
        ['post', `${API}/video/${MISSING_ID}/extra`],
        ['put', '/nope'],
        ['get', '/health/nope'],
      ] as const) {
        const res = await request(http)[method](path);
        expectError(res, 404, 'ROUTE_NOT_FOUND', 'Route not found');
        expect(res.headers.allow).toBeUndefined();
      }
    });
  });

  describe('OPTIONS', () => {
    it('answers outside a CORS preflight with 204 and Allow', async () => {
      const res = await request(http).options(`${API}/video`);
      expect(res.status).toBe(204);
      expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
      expect(res.text ?? '').toBe('');
      const other = await request(http)
        .options(`${API}/comment/${MISSING_ID}`)
        .set('Origin', 'http://elsewhere.test');
      expect(other.status).toBe(204);
      expect(other.headers.allow).toBe('PATCH, DELETE, OPTIONS');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers an unknown path with the 404', async () => {
      const res = await request(http).options(`${API}/nope`);
      expectError(res, 404, 'ROUTE_NOT_FOUND', 'Route not found');
    });

    it('leaves CORS preflights to CORS', async () => {
      const res = await request(http)
        .options(`${API}/video`)
        .set('Origin', 'http://client.test')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://client.test');
      expect(res.headers['access-control-max-age']).toBe('600');
    });
  });

  describe("Node's early errors carry the error body", () => {
    let port: number;

    beforeAll(async () => {
      port = await listeningPort(t);
    });

    it('answers a malformed request line with 400', async () => {
      const res = await rawExchange(port, ['NOT A REQUEST LINE\r\n\r\n']);
      expectRawError(res, 400, 'BAD_REQUEST', 'Bad request');
      expect(res.headers['x-request-id']).toBe(res.body?.requestId);
    });

    it('answers a malformed header with 400', async () => {
      const res = await rawExchange(port, [
        `GET ${API}/probe/data HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n`,
      ]);
      expectRawError(res, 400, 'BAD_REQUEST', 'Bad request');
    });

    it('answers headers over the size limit with 431', async () => {
      const res = await rawExchange(port, [
        `GET ${API}/probe/data HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      ]);
      expectRawError(res, 431, 'HEADERS_TOO_LARGE', 'Request header fields too large');
    });

    it('answers a malformed second request on a kept-alive connection', async () => {
      const res = await rawExchange(
        port,
        [`GET ${API}/probe/data HTTP/1.1\r\nHost: x\r\n\r\n`, 'BROKEN\r\n\r\n'],
        { pauseMs: 100 },
      );
      // The first answer is complete; the second is the error body.
      expect(res.status).toBe(200);
      expect(res.text).toContain('"code":"BAD_REQUEST"');
    });
  });
});

describe("Node's request timeout carries the error body", () => {
  let t: TestApp;
  let logDir: string;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'dancely-timeout-logs-'));
    t = await createTestApp(
      { LOG_LEVEL: 'warn', LOG_FILES: 'true', LOG_DIR: logDir },
      { imports: [ProbeModule] },
    );
    // Short timeouts, checked often. Node reads `connectionsCheckingInterval` (a createServer
    // option, not declared as a property by @types/node) from the server when it starts listening.
    const server = t.app.getHttpServer() as Server & { connectionsCheckingInterval: number };
    server.headersTimeout = 300;
    server.requestTimeout = 600;
    server.connectionsCheckingInterval = 50;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a client too slow to send its headers with 408, logged at warn', async () => {
    const port = await listeningPort(t);
    const res = await rawExchange(port, [`GET ${API}/probe/data HTTP/1.1\r\nHost: x\r\n`], {
      keepOpen: true,
    });
    expectRawError(res, 408, 'REQUEST_TIMEOUT', 'Request timeout');
    const requestId = String(res.body?.requestId);
    const [line] = await waitForLogLines(logDir, (entry) =>
      String(entry.message).includes(requestId),
    );
    expect(line).toMatchObject({ level: 'warn' });
  });
});
