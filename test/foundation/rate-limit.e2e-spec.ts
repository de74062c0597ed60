import request from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { startRedis } from 'test/utils/redis-server';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('global rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { RATE_LIMIT_GLOBAL: '3', RATE_LIMIT_GLOBAL_WINDOW_SECONDS: '60' },
      { imports: [ProbeModule] },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts every API route per IP, describes the bucket in headers and refuses with the JSON 429', async () => {
    const http = t.app.getHttpServer();
    const first = await request(http).get('/api/v1/probe/data').expect(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    await request(http).get('/api/v1/probe/null').expect(200);
    // Errors count too, and still carry the headers.
    const third = await request(http).get('/api/v1/probe/ids/1/videos/2').expect(400);
    expect(third.headers['x-ratelimit-remaining']).toBe('0');

    const refused = await request(http).get('/api/v1/probe/data');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body).toEqual({
      statusCode: 429,
      success: false,
      message: 'Too many requests, please try again later.',
      code: 'RATE_LIMITED',
      requestId: refused.headers['x-request-id'],
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');

    // The docs are in the global bucket too; health and media are outside it.
    expect((await request(http).get('/api/v1/docs-json')).status).toBe(429);
    await request(http).get('/health/live').expect(200);
    const health = await request(http).get('/health/live');
    expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    // The other probes go through the guard, which passes @NoRateLimit() routes uncounted.
    for (const path of ['/health', '/health/ready']) {
      const probe = await request(http).get(path);
      expect(probe.status).not.toBe(429);
      expect(probe.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('rate-limits before authentication and validation', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/probe/body')
      .set('Content-Type', 'application/json')
      .send('{bad');
    expect(res.status).toBe(429);
  });
});

describe('rate limit counters in Redis (THROTTLE_REDIS_URL)', () => {
  it('holds one limit across two instances sharing Redis', async () => {
    const redis = await startRedis();
    const env = {
      RATE_LIMIT_GLOBAL: '3',
      RATE_LIMIT_GLOBAL_WINDOW_SECONDS: '60',
      THROTTLE_REDIS_URL: redis.url,
    };
    const a = await createTestApp(env, { imports: [ProbeModule] });
    const b = await createTestApp(env, { imports: [ProbeModule] });
    try {
      await request(a.app.getHttpServer()).get('/api/v1/probe/data').expect(200);
      await request(b.app.getHttpServer()).get('/api/v1/probe/data').expect(200);
      const third = await request(a.app.getHttpServer()).get('/api/v1/probe/data').expect(200);
      expect(third.headers['x-ratelimit-remaining']).toBe('0');
      const refused = await request(b.app.getHttpServer()).get('/api/v1/probe/data');
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('RATE_LIMITED');
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  });
});
