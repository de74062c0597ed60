import request from 'supertest';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * GET /health/live is answered by a plain Express route ahead of Nest's pipeline
 * (src/modules/health/liveness.route.ts); it must answer exactly as the Nest route did.
 */
/** base64url SHA-256 of `{"status":"ok","info":{},"error":{},"details":{}}`, first 27 characters. */
const LIVENESS_ETAG = '"mJDz-fse08LNlGbCyTfESonuRRt"';

describe('liveness probe', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGIN: 'http://client.test' });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the terminus body with the headers res.json() sets, behind the whole middleware stack', async () => {
    const res = await request(http)
      .get('/health/live')
      .set('Origin', 'http://client.test')
      .set('X-Request-Id', 'live-1')
      .expect(200);
    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-length']).toBe('49');
    // The strong tag of the body's bytes, as for every read (docs/api.md#caching).
    expect(res.headers.etag).toBe(LIVENESS_ETAG);
    expect(res.headers['x-request-id']).toBe('live-1');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBe('http://client.test');
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const fresh = await request(http).get('/health/live').set('If-None-Match', LIVENESS_ETAG);
    expect(fresh.status).toBe(304);
    expect(fresh.text ?? '').toBe('');
    expect(fresh.headers.etag).toBe(LIVENESS_ETAG);
    const head = await request(http).head('/health/live').expect(200);
    expect(head.text ?? '').toBe('');
    expect(head.headers['content-length']).toBe('49');
    expect(head.headers.etag).toBe(LIVENESS_ETAG);
  });

  it('answers other methods with the JSON 405 and Allow', async () => {
    const res = await request(http).post('/health/live');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toMatchObject({
      code: 'METHOD_NOT_ALLOWED',
      requestId: res.headers['x-request-id'],
    });
  });
});
