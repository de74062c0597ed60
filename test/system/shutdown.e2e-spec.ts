import { request as httpRequest } from 'node:http';
import { startEmbeddedMongo, type EmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { startService, type ServiceProcess } from 'test/utils/service-process';

/**
 * SIGTERM: readiness turns 503 while requests are still served for SHUTDOWN_DELAY_MS (the load
 * balancer's window to stop routing here), then the listener closes, in-flight requests finish,
 * the database closes, and the process exits 0.
 */
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

  /** A login whose body arrives in two halves, `gapMs` apart; resolves with the full answer. */
  function slowLogin(
    url: string,
    beforeSecondHalf: Promise<void>,
  ): Promise<{ status: number; text: string }> {
    const body = JSON.stringify({
      identifier: 'nobody@example.test',
      password: 'Wrong-password-1',
    });
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${url}/api/v1/auth/login`,
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
      req.write(body.slice(0, 10));
      void beforeSecondHalf.then(() => req.end(body.slice(10)));
    });
  }

  it('completes every request in flight when SIGTERM arrives under load, then exits 0', async () => {
    service = await startService({
      MONGODB_URI: `${engine.uri}/shutdown`,
      // The requests are failed logins from one IP; the failure buckets are tested elsewhere.
      RATE_LIMIT_LOGIN: '1000',
      RATE_LIMIT_LOGIN_FAILURES: '1000',
      RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: '1000',
      // A real cost, so that logins are still hashing when the signal lands.
      BCRYPT_ROUNDS: '10',
      // Also covers requests whose connection the server has not accepted yet when the signal
      // lands (a loaded client or kernel backlog): they reach the still-open listener.
      SHUTDOWN_DELAY_MS: '3000',
    });
    const url = service.url;
    let release!: () => void;
    const secondHalves = new Promise<void>((resolve) => (release = resolve));
    // 40 requests still sending their bodies, plus a stream of quick ones, when the signal lands.
    const slow = Array.from({ length: 40 }, () => slowLogin(url, secondHalves));
    const quick = Array.from({ length: 20 }, () =>
      fetch(`${url}/api/v1/video`).then((res) => res.status),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Logins whose password check is running (or queued for a hashing thread) at the signal.
    const hashing = Array.from({ length: 6 }, () => slowLogin(url, Promise.resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    setTimeout(release, 1000);

    // During the delay: readiness says so, and a new request is still answered, closing its
    // connection so the client does not reuse it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readiness = await fetch(`${url}/health/ready`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: 'shutting_down' });
    const during = await fetch(`${url}/api/v1/video`);
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');

    const answers = await Promise.all([...slow, ...hashing]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 401));
    for (const answer of answers)
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await Promise.all(quick)).toEqual(quick.map(() => 200));
    expect(await service.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - signalledAt).toBeLessThan(30_000);
    console.log(
      `shutdown: ${answers.length + quick.length} requests in flight at SIGTERM, all answered; exit 0 after ${Date.now() - signalledAt} ms`,
    );
    // New connections are refused once the process is gone.
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  }, 60_000);
});
