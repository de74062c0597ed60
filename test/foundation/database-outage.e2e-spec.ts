import request from 'supertest';
import { startEmbeddedMongo, type EmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * The service starts without its database, answers 503, and recovers without a restart
 * (docs/api.md#health-and-media).
 */
describe('database unavailable', () => {
  let engine: EmbeddedMongo | undefined;
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    await engine?.stop();
  });

  it('starts and stays live while the database is down, answers 503, then recovers on its own', async () => {
    // Reserve a port, then stop the engine so nothing listens there.
    const reserved = await startEmbeddedMongo();
    const port = reserved.port;
    await reserved.stop();

    t = await createTestApp(
      { MONGODB_URI: `mongodb://127.0.0.1:${port}/outage`, DB_OPERATION_TIMEOUT_MS: '500' },
      { imports: [ProbeModule], waitForDatabase: false },
    );
    const http = t.app.getHttpServer();

    await request(http).get('/health/live').expect(200);
    const ready = await request(http).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: 'error',
      info: {},
      error: { database: { status: 'down' } },
      details: { database: { status: 'down' } },
    });
    const started = Date.now();
    const op = await request(http).get('/api/v1/probe/db');
    expect(op.status).toBe(503);
    expect(op.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Service temporarily unavailable',
    });
    expect(Date.now() - started).toBeLessThan(3000);

    engine = await startEmbeddedMongo({ port });
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(http).get('/health/ready')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    await request(http).get('/api/v1/probe/db').expect(200);
  }, 30_000);
});
