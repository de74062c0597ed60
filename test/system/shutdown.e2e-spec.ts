import { request as httpRequest } from 'node:http';
import { startEmbeddedMongo, type EmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { startService, type ServiceProcess } from 'test/utils/service-process';

/** §11: SIGTERM stops accepting, lets in-flight requests finish, closes the database, exits 0. */
describe('graceful shutdown', () => {
  let engine: EmbeddedMongo;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    engine = await startEmbeddedMongo();
  });
  afterAll(async () => {
    await service?.stop();
    await engine.stop();
  });

  it('completes a request that is still sending its body when SIGTERM arrives, then exits 0', async () => {
    service = await startService({ MONGODB_URI: `${engine.uri}/shutdown` });
    const body = JSON.stringify({
      identifier: 'nobody@example.test',
      password: 'Wrong-password-1',
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        `${service!.url}/api/v1/auth/login`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, SIGTERM, the rest a second later: the request is in flight throughout.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        service!.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 1000);
      }, 300);
    });

    const answered = await response;
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.text)).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const started = Date.now();
    expect(await service.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    // New connections are refused once shutdown began.
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  }, 60_000);
});
