import request, { type Response } from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/** One item of a `RateLimit` or `RateLimit-Policy` field: its policy name and integer parameters. */
interface Item {
  policy: string;
  params: Record<string, number>;
}

/**
 * The fields as a client reads them: a Structured Field List (RFC 8941) of items, each a String
 * with integer parameters. Anything else fails the test, as a strict client would refuse it.
 */
function items(res: Response, field: 'ratelimit' | 'ratelimit-policy'): Item[] | undefined {
  const value = res.headers[field] as string | undefined;
  if (value === undefined) return undefined;
  return value.split(/\s*,\s*/).map((member) => {
    const match = /^"([^"\\]*)"((?:;[a-z][a-z0-9_.*-]*=\d{1,15})*)$/.exec(member);
    if (!match) throw new Error(`not a list member of string;key=int parameters: ${member}`);
    const params: Record<string, number> = {};
    for (const param of match[2].split(';').slice(1)) {
      const [key, number] = param.split('=');
      params[key] = Number(number);
    }
    return { policy: match[1], params };
  });
}

/**
 * RateLimit-Policy and RateLimit (issue 15; draft-ietf-httpapi-ratelimit-headers-11): every
 * response under a limit lists its buckets with their quotas and what is left; a 429 reports the
 * refusing bucket at r=0 with a Retry-After that is not earlier than its window's end. Routes
 * outside every bucket carry neither field.
 */
describe('RateLimit-Policy and RateLimit fields', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;

  beforeAll(async () => {
    t = await createTestApp(
      {
        RATE_LIMIT_GLOBAL: '6',
        RATE_LIMIT_GLOBAL_WINDOW_SECONDS: '60',
        RATE_LIMIT_LOGIN: '2',
        RATE_LIMIT_LOGIN_WINDOW_SECONDS: '120',
        // Each client its own address, so the tests do not share a bucket.
        TRUST_PROXY: '1',
        METRICS_ENABLED: 'true',
        CORS_ORIGIN: 'http://client.test',
      },
      { imports: [ProbeModule] },
    );
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('describes the global bucket on every response, with the quota left going down to 0, then 429', async () => {
    const from = '198.51.100.1';
    const remaining: number[] = [];
    const resets: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await request(http).get('/api/v1/probe/data').set('X-Forwarded-For', from);
      expect(res.status).toBe(200);
      expect(items(res, 'ratelimit-policy')).toEqual([
        { policy: 'global', params: { q: 6, w: 60 } },
      ]);
      const [item] = items(res, 'ratelimit') ?? [];
      expect(item.policy).toBe('global');
      expect(Object.keys(item.params)).toEqual(['r', 't']);
      remaining.push(item.params.r);
      resets.push(item.params.t);
      // The legacy headers tell the same.
      expect(res.headers['x-ratelimit-remaining']).toBe(String(item.params.r));
    }
    expect(remaining).toEqual([5, 4, 3, 2, 1, 0]);
    for (const reset of resets) {
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }

    const refused = await request(http).get('/api/v1/probe/data').set('X-Forwarded-For', from);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(items(refused, 'ratelimit-policy')).toEqual([
      { policy: 'global', params: { q: 6, w: 60 } },
    ]);
    const [item] = items(refused, 'ratelimit') ?? [];
    expect(item.params.r).toBe(0);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Retry-After does not point before the end of the effective window.
    expect(retryAfter).toBeGreaterThanOrEqual(item.params.t);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('counts errors too, and describes them the same way', async () => {
    const from = '198.51.100.2';
    await request(http).get('/api/v1/probe/data').set('X-Forwarded-For', from).expect(200);
    const invalid = await request(http)
      .get('/api/v1/probe/ids/1/videos/2')
      .set('X-Forwarded-For', from)
      .expect(400);
    expect(items(invalid, 'ratelimit')?.[0].params.r).toBe(4);
  });

  it('lists the global bucket and the route’s own bucket; the refusing one reports r=0 and sets Retry-After', async () => {
    const from = '198.51.100.3';
    const login = () =>
      request(http).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({});
    // In the order they are counted: the throttler runs the shorter windows first.
    const policies = [
      { policy: 'global', params: { q: 6, w: 60 } },
      { policy: 'login', params: { q: 2, w: 120 } },
    ];
    const seen: number[][] = [];
    for (let i = 0; i < 2; i += 1) {
      const res = await login(); // 400: no credentials, but counted in both buckets first
      expect(res.status).toBe(400);
      expect(items(res, 'ratelimit-policy')).toEqual(policies);
      const limits = items(res, 'ratelimit') ?? [];
      expect(limits.map((l) => l.policy)).toEqual(['global', 'login']);
      seen.push(limits.map((l) => l.params.r));
      // The legacy X-RateLimit-* stay the global bucket's on an allowed request.
      expect(res.headers['x-ratelimit-limit']).toBe('6');
    }
    expect(seen).toEqual([
      [5, 1],
      [4, 0],
    ]);

    const refused = await login();
    expect(refused.status).toBe(429);
    expect(items(refused, 'ratelimit-policy')).toEqual(policies);
    const [global, route] = items(refused, 'ratelimit') ?? [];
    expect(global).toMatchObject({ policy: 'global', params: { r: 3 } });
    expect(route).toMatchObject({ policy: 'login', params: { r: 0 } });
    expect(Number(refused.headers['retry-after'])).toBe(route.params.t);
    expect(route.params.t).toBeGreaterThanOrEqual(1);
    expect(route.params.t).toBeLessThanOrEqual(120);
    // The legacy headers describe the refusing bucket on a 429 (docs/api.md#rate-limit-headers).
    expect(refused.headers['x-ratelimit-limit']).toBe('2');
  });

  it('describes the docs, which count in the global bucket', async () => {
    const res = await request(http)
      .get('/api/v1/docs-json')
      .set('X-Forwarded-For', '198.51.100.4')
      .expect(200);
    expect(items(res, 'ratelimit')).toEqual([
      { policy: 'global', params: { r: 5, t: expect.any(Number) } },
    ]);
    expect(items(res, 'ratelimit-policy')).toEqual([{ policy: 'global', params: { q: 6, w: 60 } }]);
  });

  it('sends neither field where no limit applies: health, metrics, media, unknown routes', async () => {
    for (const path of [
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/media/nothing.png',
      '/api/v1/no/such/route',
    ]) {
      const res = await request(http).get(path).set('X-Forwarded-For', '198.51.100.5');
      expect(res.status).not.toBe(429);
      expect({
        path,
        policy: res.headers['ratelimit-policy'],
        limit: res.headers.ratelimit,
      }).toEqual({
        path,
        policy: undefined,
        limit: undefined,
      });
    }
  });

  it('documents the headers of every 429 in the OpenAPI document', async () => {
    const doc = (
      await request(http).get('/api/v1/docs-json').set('X-Forwarded-For', '198.51.100.7')
    ).body as { paths: Record<string, Record<string, { responses: Record<string, object> }>> };
    const tooMany = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.responses['429']),
    );
    expect(tooMany.length).toBeGreaterThan(50);
    for (const response of tooMany) {
      const headers = (response as { headers?: Record<string, { required: boolean }> }).headers;
      expect(Object.keys(headers ?? {})).toEqual(['Retry-After', 'RateLimit', 'RateLimit-Policy']);
      for (const header of Object.values(headers ?? {})) expect(header.required).toBe(true);
    }
  });

  it('exposes both fields to browsers on other origins', async () => {
    const res = await request(http)
      .get('/api/v1/probe/data')
      .set('X-Forwarded-For', '198.51.100.6')
      .set('Origin', 'http://client.test');
    const exposed = String(res.headers['access-control-expose-headers']).split(',');
    expect(exposed).toEqual(
      expect.arrayContaining(['RateLimit', 'RateLimit-Policy', 'Retry-After']),
    );
  });
});
