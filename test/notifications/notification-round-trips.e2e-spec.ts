import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { NOTIFICATION_UNREAD_COUNT_CAP } from 'src/modules/notifications/notification-types.constant';
import { Notification } from 'src/modules/notifications/schemas/notification.schema';
import { createVerifiedUsers, type TestUser } from 'test/factories/users.factory';
import { insertCreators } from 'test/feed/feed-test.util';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { api } from 'test/utils/contract';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const BASE = '/api/v1/notifications';

/**
 * What a notifications page and the unread count cost, as database round trips, for a user with
 * 10 items and one with 1,000 (written through the model: a thousand real likes would only make
 * the suite slower, not the proof stronger).
 */
describe('Notifications: cost independent of how many a user has', () => {
  let t: TestApp;
  let log: CommandLog;
  let few: TestUser;
  let many: TestUser;

  /** `count` unread video-like groups for `recipient`, newest last, each with 3 of `actors`. */
  const insertNotifications = async (recipient: string, count: number, actors: string[]) => {
    const model = t.app.get<Model<Notification>>(getModelToken(Notification.name));
    const start = Date.parse('2026-09-01T00:00:00Z');
    await model.insertMany(
      Array.from({ length: count }, (_, index) => {
        const at = new Date(start + index * 60_000);
        const subject = new Types.ObjectId();
        return {
          recipient: new Types.ObjectId(recipient),
          type: 'video_like',
          subjectKind: 'video',
          subject,
          excerpt: `Video ${index}`,
          refs: [subject],
          windowStart: at,
          actors: [0, 1, 2].map((k) => new Types.ObjectId(actors[(index + k) % actors.length])),
          actorCount: 3,
          read: false,
          activityAt: at,
        };
      }),
    );
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000', DB_MONITOR_COMMANDS: 'true' });
    [few, many] = await createVerifiedUsers(t, 2);
    const actors = await insertCreators(t, 30);
    await insertNotifications(few.id, 10, actors);
    await insertNotifications(many.id, 1000, actors);
    log = recordCommands(t.connection);
  });
  afterAll(async () => {
    log.stop();
    await t.close();
  });

  /** The commands of one request, sorted (some run at the same time), and its answer. */
  const commandsOf = async (user: TestUser, path: string) => {
    log.reset();
    const res = await api(t).get(`${BASE}${path}`).set('Authorization', user.authHeader);
    return { status: res.status, data: res.body.data as unknown, calls: [...log.calls].sort() };
  };

  it('a page costs the same for 10 or 1,000 items, and for 1 or 20 of them', async () => {
    const baseline = await commandsOf(few, '?limit=1');
    expect(baseline.status).toBe(200);
    for (const [user, limit, items] of [
      [few, 20, 10],
      [many, 1, 1],
      [many, 20, 20],
    ] as const) {
      const measured = await commandsOf(user, `?limit=${limit}`);
      expect(measured.status).toBe(200);
      expect((measured.data as { docs: unknown[] }).docs).toHaveLength(items);
      expect(measured.calls).toEqual(baseline.calls);
    }
    // the store's page and, at once, the shown actors: two round trips after authentication
    expect(
      baseline.calls.filter((call) => !call.endsWith('users') && !call.endsWith('sessions')),
    ).toEqual(['find notifications']);
  });

  it('the unread count is one bounded count: exact below the cap, the cap above it', async () => {
    const small = await commandsOf(few, '/unread-count');
    expect(small).toMatchObject({ status: 200, data: { count: 10 } });
    const large = await commandsOf(many, '/unread-count');
    expect(large).toMatchObject({ status: 200, data: { count: NOTIFICATION_UNREAD_COUNT_CAP } });
    expect(large.calls).toEqual(small.calls);

    // one more than the cap still reads as the cap; marking one read brings it to the exact value
    const actors = await insertCreators(t, 3);
    await insertNotifications(many.id, 1, actors);
    expect((await commandsOf(many, '/unread-count')).data).toEqual({
      count: NOTIFICATION_UNREAD_COUNT_CAP,
    });
    await api(t).post(`${BASE}/read-all`).set('Authorization', many.authHeader).expect(200);
    await insertNotifications(many.id, 7, actors);
    expect((await commandsOf(many, '/unread-count')).data).toEqual({ count: 7 });
  });
});
