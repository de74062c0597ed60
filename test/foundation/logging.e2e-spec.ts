import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('logging (no secret in any log line)', () => {
  let t: TestApp;
  let logDir: string;

  beforeAll(async () => {
    logDir = join(process.env.TMPDIR ?? '/tmp', `dancely-logs-${process.pid}-${Date.now()}`);
    t = await createTestApp(
      { LOG_FILES: 'true', LOG_DIR: logDir, LOG_LEVEL: 'info' },
      { imports: [ProbeModule] },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  async function logLines(
    predicate: (line: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const files = readdirSync(logDir).filter((name) => name.endsWith('.log'));
      const lines = files
        .flatMap((name) => readFileSync(join(logDir, name), 'utf8').split('\n'))
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const matching = lines.filter(predicate);
      if (matching.length > 0 || Date.now() > deadline) return matching;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('writes one JSON access line per request with method, path, status, duration and request id', async () => {
    await request(t.app.getHttpServer())
      .get('/api/v1/probe/data?page=2&token=querysecret')
      .set('X-Request-Id', 'log-check-1')
      .expect(200);
    const [line] = await logLines(
      (entry) => entry.requestId === 'log-check-1' && entry.message === 'request',
    );
    expect(line).toMatchObject({
      method: 'GET',
      path: '/api/v1/probe/data',
      status: 200,
      requestId: 'log-check-1',
      level: 'info',
    });
    expect(typeof line.durationMs).toBe('number');
    expect(JSON.stringify(line)).not.toContain('querysecret');
  });

  it('never writes passwords, tokens, cookies or the Authorization header', async () => {
    const password = 'Sup3rSecretPassw0rd';
    const bearer = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA';
    await request(t.app.getHttpServer())
      .post('/api/v1/probe/body')
      .set('X-Request-Id', 'log-check-2')
      .set('Authorization', `Bearer ${bearer}`)
      .set('Cookie', 'refreshToken=cookie-secret-value')
      .send({ title: 'ok', password });
    await request(t.app.getHttpServer())
      .get('/api/v1/probe/boom')
      .set('X-Request-Id', 'log-check-3')
      .set('Authorization', `Bearer ${bearer}`);
    const lines = await logLines((entry) => entry.requestId === 'log-check-3');
    expect(lines.length).toBeGreaterThan(0);
    const everything = readdirSync(logDir)
      .map((name) => readFileSync(join(logDir, name), 'utf8'))
      .join('\n');
    for (const secret of [password, bearer, 'cookie-secret-value'])
      expect(everything).not.toContain(secret);
  });
});
