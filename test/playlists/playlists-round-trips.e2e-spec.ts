import { insertPlaylist } from 'test/factories/playlists.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { authCommandsOf, commandsOf } from 'test/follows/round-trips.util';
import { API, api, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * No N+1 (issue 5): the playlist search, the caller's and a user's playlists and one playlist cost
 * the same number of round trips for 1 item and for 20, whatever the page holds; the visibility of
 * every entry of a page is one videos query.
 */
describe('playlist round trips', () => {
  let t: TestApp;
  let log: CommandLog;
  let creator: TestUser;
  let viewer: TestUser;
  let auth: number;
  const tag = 'roundtrip';
  let shortList: string;
  let longList: string;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, DB_MONITOR_COMMANDS: 'true' });
    creator = await createVerifiedUser(t);
    viewer = await createVerifiedUser(t);
    const videos: string[] = [];
    for (let i = 0; i < 20; i++) {
      const owner = i % 3 === 0 ? viewer.id : creator.id;
      videos.push(await insertVideo(t, owner, { isPublished: i % 4 !== 1 }));
    }
    for (let i = 0; i < 25; i++) {
      await insertPlaylist(t, creator.id, {
        name: `${tag} ${i}`,
        isPublished: i % 5 !== 4,
        videos: videos.slice(i % 10, (i % 10) + 5),
      });
    }
    // One playlist lists what the caller may see: published videos of several owners.
    const published: string[] = [];
    for (let i = 0; i < 20; i++) {
      published.push(await insertVideo(t, i % 2 === 0 ? viewer.id : creator.id));
    }
    shortList = await insertPlaylist(t, creator.id, {
      name: 'short',
      videos: published.slice(0, 1),
    });
    longList = await insertPlaylist(t, creator.id, { name: 'long', videos: published });
    log = recordCommands(t.connection);
    auth = await authCommandsOf(
      log,
      api(t).get(`${API}/playlist/me?limit=0`).set('Authorization', viewer.authHeader),
    );
  });
  afterAll(async () => {
    log.stop();
    await t.close();
  });

  /** Commands beyond authentication, for a page of 1 and of 20 (both full). */
  async function countFor(
    url: (size: number) => string,
    caller: TestUser | null,
  ): Promise<[number, number]> {
    const counts: number[] = [];
    for (const size of [1, 20]) {
      const req = api(t).get(url(size));
      const { names, items } = await commandsOf(
        log,
        caller ? req.set('Authorization', caller.authHeader) : req,
      );
      // Full pages (or a playlist of that many visible videos), so the sizes really differ.
      expect(items).toBe(size);
      counts.push(names.length - (caller ? auth : 0));
    }
    return [counts[0], counts[1]];
  }

  it('authentication itself costs 2 lookups (session, user)', () => {
    expect(auth).toBe(2);
  });

  it('GET /playlist/search: 3 (page, owners, entries’ videos), anonymous or signed in', async () => {
    const url = (size: number) => `${API}/playlist/search?query=${tag}&limit=${size}`;
    expect(await countFor(url, null)).toEqual([3, 3]);
    expect(await countFor(url, viewer)).toEqual([3, 3]);
  });

  it('GET /playlist/me: 4 (page, total, owner, entries’ videos)', async () => {
    expect(await countFor((size) => `${API}/playlist/me?limit=${size}`, creator)).toEqual([4, 4]);
  });

  it('GET /playlist/user/:userId: 3 (user, page, entries’ videos), anonymous or signed in', async () => {
    const url = (size: number) => `${API}/playlist/user/${creator.id}?limit=${size}`;
    expect(await countFor(url, null)).toEqual([3, 3]);
    expect(await countFor(url, viewer)).toEqual([3, 3]);
  });

  it('GET /playlist/:playlistId: 3 for 1 video and for 20 anonymous, 4 signed in', async () => {
    const url = (size: number) => `${API}/playlist/${size === 1 ? shortList : longList}`;
    // playlist, videos (with their stored likesCount), users (video owners and the playlist
    // owner together), and for a signed-in caller which of the videos they like
    expect(await countFor(url, null)).toEqual([3, 3]);
    expect(await countFor(url, viewer)).toEqual([4, 4]);
  });
});
