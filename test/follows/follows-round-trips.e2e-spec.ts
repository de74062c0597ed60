import { insertFollow } from 'test/factories/follows.factory';
import {
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { authCommandsOf, commandsOf } from 'test/follows/round-trips.util';
import { API, api, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * No N+1 (issue 5): the two follower lists cost the same number of round trips for a page of 1 and
 * of 20, at most 4 beyond authentication: the page, its total, one users query (the listed user's
 * 404 check and the listed people together) and, for a signed-in caller, their follows among them.
 */
describe('follower list round trips', () => {
  let t: TestApp;
  let log: CommandLog;
  let star: TestUser;
  let viewer: TestUser;
  let auth: number;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, DB_MONITOR_COMMANDS: 'true' });
    star = await createVerifiedUser(t);
    viewer = await createVerifiedUser(t);
    const people = await createVerifiedUsers(t, 25);
    for (const [index, person] of people.entries()) {
      await insertFollow(t, person.id, star.id);
      await insertFollow(t, star.id, person.id);
      if (index % 2 === 0) await insertFollow(t, viewer.id, person.id);
    }
    log = recordCommands(t.connection);
    auth = await authCommandsOf(
      log,
      api(t)
        .get(`${API}/follower/followers/${star.id}?limit=0`)
        .set('Authorization', viewer.authHeader),
    );
  });
  afterAll(async () => {
    log.stop();
    await t.close();
  });

  it('authentication itself costs 2 lookups (session, user)', () => {
    expect(auth).toBe(2);
  });

  for (const [route, path] of [
    ['GET /follower/followers/:userId', 'followers'],
    ['GET /follower/following/:userId', 'following'],
  ] as const) {
    it(`${route} costs the same for pages of 1 and 20: 3 anonymous, 4 signed in beyond auth`, async () => {
      const counts: Record<string, number> = {};
      for (const limit of [1, 20]) {
        const url = `${API}/follower/${path}/${star.id}?limit=${limit}`;
        const anonymous = await commandsOf(log, api(t).get(url));
        const signedIn = await commandsOf(
          log,
          api(t).get(url).set('Authorization', viewer.authHeader),
        );
        // Full pages, so the sizes really differ.
        expect([anonymous.items, signedIn.items]).toEqual([limit, limit]);
        counts[`anonymous:${limit}`] = anonymous.names.length;
        counts[`signedIn:${limit}`] = signedIn.names.length - auth;
      }
      expect(counts).toEqual({
        'anonymous:1': 3,
        'anonymous:20': 3,
        'signedIn:1': 4,
        'signedIn:20': 4,
      });
    });
  }
});
