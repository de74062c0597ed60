import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { api, docIds } from 'test/videos/video-test.util';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * No N+1: `GET /video`, `GET /video/me` and `GET /user/history` cost the same number of database
 * round trips for a page of 1 and a page of 20 cards from several owners: the page, its total, its
 * owners in one query and its like figures in one grouped query each.
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
      // The viewer watched every video (the history lists them).
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
    ['GET /video', '/api/v1/video?limit='],
    ['GET /video with a search', '/api/v1/video?query=round&sortBy=title&limit='],
    ['GET /video/me', '/api/v1/video/me?limit='],
    ['GET /user/history', '/api/v1/user/history?limit='],
  ])('%s costs the same for 1 and 20 items', async (_label, path) => {
    const one = await commands(`${path}1`);
    const twenty = await commands(`${path}20`);
    expect([one.items, twenty.items]).toEqual([1, path.includes('/me') ? 8 : 20]);
    expect(twenty.count).toBe(one.count);
    // Authentication (2) + at most 4: page, total (or history), owners, like figures.
    expect(twenty.count).toBeLessThanOrEqual(6);
  });
});

/**
 * The watch page and the profile read everything they show in a constant number of round trips
 * (issue 7: at most 4 beyond authentication). The watch page joins the owner, the like figures and
 * the follow figures into the video's own aggregation; writes follow only when there is something
 * to write.
 */
describe('detail and profile round trips', () => {
  let t: TestApp;
  let log: CommandLog;
  let owner: TestUser;
  let viewer: TestUser;
  let videoId: string;

  beforeAll(async () => {
    t = await createTestApp({ DB_MONITOR_COMMANDS: 'true' });
    [owner, viewer] = await Promise.all([createVerifiedUser(t), createVerifiedUser(t)]);
    videoId = await insertVideo(t, owner.id, { title: 'Round trip detail' });
    log = recordCommands(t.connection);
  });
  afterAll(async () => {
    log.stop();
    await t.close();
  });

  /** The commands one request made after authentication (a signed-in request starts with 2). */
  async function callsOf(
    path: string,
    as: TestUser | null,
    agent = 'round-trip-test',
  ): Promise<string[]> {
    log.reset();
    const req = api(t).get(path).set('User-Agent', agent);
    if (as) req.set('Authorization', as.authHeader);
    await req.expect(200);
    const calls = [...log.calls];
    if (as) expect(calls.splice(0, 2)).toEqual(['find sessions', 'find users']);
    return calls;
  }

  // Every read of the watch page is a lookup by a unique key (constant cost on every engine):
  // the video by `_id`, then at once its owner by `_id` and, signed in, the like and the follow by
  // their unique keys.
  it('watch page, anonymous: the video, its owner, one view check; a counted view adds the increment and the owner totals', async () => {
    expect(await callsOf(`/api/v1/video/${videoId}`, null, 'first-visit')).toEqual([
      'find videos',
      'find users',
      'update videoviews',
      'findAndModify videos',
      'update users',
    ]);
    expect(await callsOf(`/api/v1/video/${videoId}`, null, 'first-visit')).toEqual([
      'find videos',
      'find users',
      'update videoviews',
    ]);
  });

  it('watch page, signed in: a re-watch moves the history entry without trimming', async () => {
    const first = await callsOf(`/api/v1/video/${videoId}`, viewer);
    // First watch: the view counts and the history grew, so it is trimmed.
    expect(first).toEqual([
      'find videos',
      'find users',
      'find likes',
      'find follows',
      'update videoviews',
      'findAndModify videos',
      'update users',
      'update watchhistories',
      'find watchhistories',
    ]);
    expect(await callsOf(`/api/v1/video/${videoId}`, viewer)).toEqual([
      'find videos',
      'find users',
      'find likes',
      'find follows',
      'update videoviews',
      'update watchhistories',
    ]);
  });

  it('profile: the user with its maintained figures; for a signed-in viewer, one lookup on the unique follow key', async () => {
    expect(await callsOf(`/api/v1/user/${owner.username}`, null)).toEqual(['find users']);
    expect(await callsOf(`/api/v1/user/${owner.username}`, viewer)).toEqual([
      'find users',
      'find follows',
    ]);
  });
});
