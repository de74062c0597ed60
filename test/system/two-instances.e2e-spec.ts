import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedMongo, type EmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { startRedis, type TestRedis } from 'test/utils/redis-server';
import { call, signUp } from 'test/utils/remote-client';
import { startService, type ServiceProcess } from 'test/utils/service-process';

/**
 * Two service processes share the database and Redis; limits, sessions and revocation span both.
 */
describe('two instances sharing MongoDB and Redis', () => {
  let engine: EmbeddedMongo;
  let redis: TestRedis;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dancely-two-'));
    engine = await startEmbeddedMongo();
    redis = await startRedis();
    const env = {
      MONGODB_URI: `${engine.uri}/two_instances`,
      THROTTLE_REDIS_URL: redis.url,
      MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
      MEDIA_LOCAL_DIR: join(scratch, 'media'),
      JWT_ACCESS_SECRET: 'shared-access-secret-for-both-instances-0123456789',
      CODE_HASH_SECRET: 'shared-code-secret-for-both-instances-0123456789',
      VIEW_HASH_SALT: 'shared-view-salt-0123456789',
      RATE_LIMIT_GLOBAL: '40',
    };
    [a, b] = await Promise.all([startService(env), startService(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await engine?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a session created on one instance works on the other, and logout on one is seen by the other', async () => {
    const session = await signUp(a.url, join(scratch, 'outbox'));
    const me = await call(`${b.url}/api/v1`, 'GET', '/auth/me', { token: session.accessToken });
    expect(me.status).toBe(200);
    expect((me.body?.data as { username: string }).username).toBe(session.username);

    const logout = await call(`${b.url}/api/v1`, 'POST', '/auth/logout', {
      token: session.accessToken,
    });
    expect(logout.status).toBe(200);
    const after = await call(`${a.url}/api/v1`, 'GET', '/auth/me', { token: session.accessToken });
    expect(after.status).toBe(401);
  }, 60_000);

  it('the global rate limit holds across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const target = i % 2 === 0 ? a : b;
      statuses.push((await call(`${target.url}/api/v1`, 'GET', '/video')).status);
    }
    // The earlier test spent a few requests of the same 40-request window.
    const allowed = statuses.filter((status) => status === 200).length;
    expect(allowed).toBeLessThan(40);
    expect(statuses.slice(-10).every((status) => status === 429)).toBe(true);
    const refused = await call(`${a.url}/api/v1`, 'GET', '/video');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
