import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { createVerifiedUsers } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { openStream } from 'test/notifications/notification-stream.util';
import { api } from 'test/utils/contract';
import { listeningPort } from 'test/utils/raw-http';
import { startRedis, type TestRedis } from 'test/utils/redis-server';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Two applications on one database and one Redis (`THROTTLE_REDIS_URL`): a like handled by one
 * reaches a notification stream held by the other, over Redis pub/sub, and so does the end of
 * the session that opened it.
 */
describe('GET /notifications/stream across instances (Redis pub/sub)', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      MONGODB_URI: `${process.env.TEST_MONGODB_URI}/t_stream_${Date.now().toString(36)}`,
      THROTTLE_REDIS_URL: redis.url,
      RATE_LIMIT_GLOBAL: '1000000',
      DB_MONITOR_COMMANDS: 'false',
      // one service: tokens signed by one instance are accepted by the other
      JWT_ACCESS_SECRET: 'shared-access-secret-for-both-instances-0123456789',
      CODE_HASH_SECRET: 'shared-code-secret-for-both-instances-0123456789',
    };
    a = await createTestApp(env);
    b = await createTestApp(env);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('sends on one instance what a like on the other caused', async () => {
    const [creator, fan] = await createVerifiedUsers(a, 2);
    const video = await uploadVideo(a, creator);
    const stream = await openStream(await listeningPort(b), creator);
    try {
      expect(stream.status).toBe(200);
      await stream.next((e) => e.type === 'unread-count');
      const from = stream.events.length;
      await api(a)
        .put(`/api/v1/like/video/${video._id}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      await a.app.get(JobQueues).idle();
      expect(await stream.next((e) => e.type === 'notification', from)).toMatchObject({
        data: { type: 'video_like', actors: [{ _id: fan.id }] },
      });
      expect(await stream.next((e) => e.type === 'unread-count', from)).toMatchObject({
        data: { count: 1 },
      });
    } finally {
      stream.close();
    }
  });

  it('ends a stream held on one instance when its session is logged out on the other', async () => {
    const [user] = await createVerifiedUsers(a, 1);
    const stream = await openStream(await listeningPort(b), user);
    try {
      await stream.next((e) => e.type === 'unread-count');
      await api(a).post('/api/v1/auth/logout').set('Authorization', user.authHeader).expect(200);
      await stream.end();
    } finally {
      stream.close();
    }
  });
});
