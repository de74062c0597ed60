import { Types } from 'mongoose';
import request from 'supertest';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';
import { freePort } from 'test/utils/free-port';
import { type MetricSample, parseMetrics, sampleValue, samplesOf } from 'test/utils/prometheus';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const REQUESTS = 'dancely_http_request_duration_seconds_count';
const DB_COMMANDS = 'dancely_db_command_duration_seconds_count';

async function scrape(http: Parameters<typeof request>[0]): Promise<MetricSample[]> {
  const res = await request(http).get('/metrics').expect(200);
  return parseMetrics(res.text);
}

/**
 * GET /metrics (issue 13): Prometheus text outside /api/v1, in no rate-limit bucket, off or on a
 * port of its own by configuration (src/infrastructure/metrics).
 */
describe('metrics', () => {
  describe('on the main port (the default outside production)', () => {
    let t: TestApp;
    let http: ReturnType<TestApp['app']['getHttpServer']>;

    beforeAll(async () => {
      t = await createTestApp();
      http = t.app.getHttpServer();
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers the Prometheus text format, never cached', async () => {
      const res = await request(http).get('/metrics').expect(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('# TYPE dancely_http_request_duration_seconds histogram');
      expect(() => parseMetrics(res.text)).not.toThrow();
      const head = await request(http).head('/metrics').expect(200);
      expect(head.text ?? '').toBe('');
    });

    it('times requests by route template and status, never by the raw path', async () => {
      const route = { method: 'GET', route: '/api/v1/video/:videoId', status: '404' };
      const before = sampleValue(await scrape(http), REQUESTS, route);
      const ids = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];
      for (const id of ids) await request(http).get(`/api/v1/video/${id}`).expect(404);
      await request(http).get('/api/v1/video?limit=1').expect(200);

      const res = await request(http).get('/metrics').expect(200);
      const samples = parseMetrics(res.text);
      expect(sampleValue(samples, REQUESTS, route)).toBe(before + 2);
      expect(
        sampleValue(samples, REQUESTS, { method: 'GET', route: '/api/v1/video', status: '200' }),
      ).toBeGreaterThanOrEqual(1);
      // Every bucket of the series is there, up to +Inf, which counts every request.
      const buckets = samplesOf(samples, 'dancely_http_request_duration_seconds_bucket', route);
      expect(buckets.map((bucket) => bucket.labels.le)).toContain('+Inf');
      expect(buckets.find((bucket) => bucket.labels.le === '+Inf')?.value).toBe(before + 2);
      for (const id of ids) expect(res.text).not.toContain(id);
    });

    it('puts every path that no route serves under one `unmatched` series', async () => {
      const before = sampleValue(await scrape(http), REQUESTS, {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      });
      const paths = [
        '/api/v1/no-such-thing',
        '/somewhere-else',
        '/api/v2/videos-of-tomorrow',
        '/metrics/deeper',
      ];
      for (const path of paths) await request(http).get(path).expect(404);

      const res = await request(http).get('/metrics');
      const samples = parseMetrics(res.text);
      expect(
        sampleValue(samples, REQUESTS, { method: 'GET', route: 'unmatched', status: '404' }),
      ).toBe(before + paths.length);
      for (const path of ['no-such-thing', 'somewhere-else', 'videos-of-tomorrow', 'deeper'])
        expect(res.text).not.toContain(path);
    });

    it('times database commands by command and collection after a request that reads', async () => {
      // The watch page reads the video by its `_id`.
      const command = { command: 'find', collection: 'videos', outcome: 'ok' };
      const before = sampleValue(await scrape(http), DB_COMMANDS, command);
      await request(http).get(`/api/v1/video/${new Types.ObjectId().toHexString()}`).expect(404);

      const samples = await scrape(http);
      expect(sampleValue(samples, DB_COMMANDS, command)).toBeGreaterThan(before);
      // Only the models' collections (or `none`, `other`) ever become labels.
      const collections = new Set(
        samplesOf(samples, DB_COMMANDS).map((sample) => sample.labels.collection),
      );
      const known = new Set(
        Object.values(t.connection.models).map((model) => model.collection.collectionName),
      );
      for (const collection of collections)
        expect(known.has(collection) || ['none', 'other'].includes(collection)).toBe(true);
    });

    it("exposes the event-loop delay and the process's default metrics", async () => {
      const samples = await scrape(http);
      for (const name of [
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
      ])
        expect(samplesOf(samples, name)).toHaveLength(1);
      expect(Number.isFinite(sampleValue(samples, 'nodejs_eventloop_lag_p99_seconds', {}))).toBe(
        true,
      );
    });

    it('declares the reconciled-counters counter, empty until the reconcile job reports', async () => {
      const res = await request(http).get('/metrics');
      expect(res.text).toContain('# TYPE dancely_counters_reconciled_total counter');
      expect(samplesOf(parseMetrics(res.text), 'dancely_counters_reconciled_total')).toEqual([]);

      const metrics = t.app.get(MetricsService);
      metrics.recordCountersReconciled('videos.likesCount', 3);
      metrics.recordCountersReconciled('users.channel.followers', 0);
      const samples = await scrape(http);
      expect(
        sampleValue(samples, 'dancely_counters_reconciled_total', { counter: 'videos.likesCount' }),
      ).toBe(3);
      expect(
        samplesOf(samples, 'dancely_counters_reconciled_total', {
          counter: 'users.channel.followers',
        }),
      ).toEqual([expect.objectContaining({ value: 0 })]);
    });

    it('is not under /api/v1, and answers other methods with the JSON 405', async () => {
      const versioned = await request(http).get('/api/v1/metrics').expect(404);
      expect(versioned.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      const post = await request(http).post('/metrics');
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(post.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    });

    it('is no API operation: the OpenAPI document does not name it', async () => {
      const doc = await request(http).get('/api/v1/docs-json').expect(200);
      expect(Object.keys(doc.body.paths as object).some((path) => path.includes('metrics'))).toBe(
        false,
      );
    });
  });

  describe('rate limits', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ RATE_LIMIT_GLOBAL: '2', RATE_LIMIT_GLOBAL_WINDOW_SECONDS: '600' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('never limit /metrics, which counts into no bucket', async () => {
      const http = t.app.getHttpServer();
      for (let scrapes = 0; scrapes < 10; scrapes += 1) {
        const res = await request(http).get('/metrics');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
      // The API's bucket is untouched by the scrapes above, and does refuse the third request.
      const statuses: number[] = [];
      for (let calls = 0; calls < 3; calls += 1)
        statuses.push((await request(http).get('/api/v1/video?limit=1')).status);
      expect(statuses).toEqual([200, 200, 429]);
      await request(http).get('/metrics').expect(200);
      const samples = await scrape(http);
      expect(
        sampleValue(samples, REQUESTS, { method: 'GET', route: '/api/v1/video', status: '429' }),
      ).toBe(1);
    });
  });

  describe('disabled (METRICS_ENABLED=false)', () => {
    let t: TestApp;
    let enabled: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ METRICS_ENABLED: 'false' });
      enabled = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
      await enabled.close();
    });

    it('answers /metrics with the JSON 404 and leaves driver monitoring off', async () => {
      const res = await request(t.app.getHttpServer()).get('/metrics').expect(404);
      expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      expect(t.config.database.monitorCommands).toBe(false);
      expect(t.app.get(MetricsService).requestObserver()).toBeUndefined();
    });

    it('leaves the OpenAPI document exactly as with metrics on', async () => {
      const off = await request(t.app.getHttpServer()).get('/api/v1/docs-json').expect(200);
      const on = await request(enabled.app.getHttpServer()).get('/api/v1/docs-json').expect(200);
      expect(on.body).toEqual(off.body);
    });
  });

  describe('on a port of its own (METRICS_PORT)', () => {
    let t: TestApp;
    let port: number;
    let metricsPort: string;

    beforeAll(async () => {
      port = await freePort();
      metricsPort = `http://127.0.0.1:${port}`;
      t = await createTestApp({ METRICS_PORT: String(port) });
    });
    afterAll(async () => {
      await t.close();
    });

    it('serves /metrics there only, with the requests of the main port', async () => {
      const http = t.app.getHttpServer();
      const main = await request(http).get('/metrics').expect(404);
      expect(main.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      await request(http).get(`/api/v1/video/${new Types.ObjectId().toHexString()}`).expect(404);

      const res = await request(metricsPort).get('/metrics').expect(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parseMetrics(res.text);
      expect(
        sampleValue(samples, REQUESTS, {
          method: 'GET',
          route: '/api/v1/video/:videoId',
          status: '404',
        }),
      ).toBe(1);
      expect(
        sampleValue(samples, REQUESTS, { method: 'GET', route: 'unmatched', status: '404' }),
      ).toBe(1);
      expect(samplesOf(samples, DB_COMMANDS).length).toBeGreaterThan(0);
      expect(samplesOf(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    });

    it('knows nothing else there', async () => {
      await request(metricsPort).get('/').expect(404);
      await request(metricsPort).get('/api/v1/video').expect(404);
      const post = await request(metricsPort).post('/metrics').expect(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      const head = await request(metricsPort).head('/metrics').expect(200);
      expect(head.text ?? '').toBe('');
    });

    it('stops listening when the application closes', async () => {
      const other = await freePort();
      const app = await createTestApp({ METRICS_PORT: String(other) });
      await request(`http://127.0.0.1:${other}`).get('/metrics').expect(200);
      await app.close();
      await expect(request(`http://127.0.0.1:${other}`).get('/metrics')).rejects.toThrow(
        /ECONNREFUSED/,
      );
    });
  });
});
