import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { api, docIds } from 'test/videos/video-test.util';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * No N+1 (STYLE 19, §1.12): V1, V3 and U7 cost the same number of database round trips for a
 * page of 1 and a page of 20 cards from several owners: the page, its total, its owners in one
 * query and its like figures in one grouped query each.
 */
describe('video list round trips', () => {
  let t: TestApp;
  let log: CommandLog;
  let viewer: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ DB_MONITOR_COMMANDS: 'true' });
    const owners = await Promise.all([
      createVerifiedUser(t),
      createVerifiedUser(t),
      createVerifiedUser(t),
    ]);
    viewer = owners[0];
    for (let i = 0; i < 24; i++) {
      const id = await insertVideo(t, owners[i % 3].id, { title: `Round trip ${i}` });
      // The viewer watched every video (U7 lists them).
      await api(t).get(`/api/v1/video/${id}`).set('Authorization', viewer.authHeader).expect(200);
    }
    log = recordCommands(t.connection);
  });
  afterAll(async () => {
    log.stop();
    await t.close();
  });

  async function commands(path: string): Promise<{ count: number; items: number }> {
    log.reset();
    const res = await api(t).get(path).set('Authorization', viewer.authHeader).expect(200);
    return { count: log.names.length, items: docIds(res).length };
  }

  it.each([
    ['V1', '/api/v1/video?limit='],
    ['V1 with a search', '/api/v1/video?query=round&sortBy=title&limit='],
    ['V3', '/api/v1/video/me?limit='],
    ['U7', '/api/v1/user/history?limit='],
  ])('%s costs the same for 1 and 20 items', async (_label, path) => {
    const one = await commands(`${path}1`);
    const twenty = await commands(`${path}20`);
    expect([one.items, twenty.items]).toEqual([1, path.includes('/me') ? 8 : 20]);
    expect(twenty.count).toBe(one.count);
    // Authentication (2) + at most 4: page, total (or history), owners, like figures.
    expect(twenty.count).toBeLessThanOrEqual(6);
  });
});
