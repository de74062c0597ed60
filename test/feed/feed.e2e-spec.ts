import { Types } from 'mongoose';
import { TimelinesService } from 'src/modules/timelines/timelines.service';
import {
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import {
  countEntries,
  deleteVideo,
  type FeedPage,
  feedIds,
  feedOf,
  FEED,
  insertCreators,
  insertFollows,
  insertTimelineEntries,
  setPublished,
  settle,
  toggleFollow,
} from 'test/feed/feed-test.util';
import { api, expectError, expectSuccess, VIDEO_CARD_KEYS } from 'test/utils/contract';
import { walkCursor } from 'test/utils/cursor-walk';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { parseMetrics, sampleValue } from 'test/utils/prometheus';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const MESSAGE = 'Feed fetched successfully';

/** Stored videos of one owner, one second apart, oldest first; returns their ids newest first. */
async function storeVideos(
  t: TestApp,
  ownerId: string,
  count: number,
  start: Date,
  options: { isPublished?: boolean } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(
      await insertVideo(t, ownerId, {
        createdAt: new Date(start.getTime() + i * 1000),
        isPublished: options.isPublished ?? true,
      }),
    );
  return ids.reverse();
}

/** The following feed, fan-out on write, read through the real app and engine. */
describe('GET /feed/videos', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_GLOBAL: '1000000',
      DB_MONITOR_COMMANDS: 'true',
      // Small batches, so that a few hundred followers take several fan-out jobs.
      FEED_FANOUT_BATCH_SIZE: '100',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires a signed-in caller', async () => {
    const res = await api(t).get(FEED);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('is an empty last page when the caller follows nobody', async () => {
    const loner = await createVerifiedUser(t);
    const res = await feedOf(t, loner);
    expectSuccess(res, 200, MESSAGE);
    expect(res.body.data).toEqual({ docs: [], limit: 20, nextCursor: null });
  });

  it('follow, then publish: the new video is at the top, the same card GET /video shows', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, fan, creator);
    const first = await uploadVideo(t, creator, { title: 'First routine' });
    const second = await uploadVideo(t, creator, { title: 'Second routine' });
    await settle(t);

    const res = await feedOf(t, fan);
    expectSuccess(res, 200, MESSAGE);
    const page = res.body.data as FeedPage;
    expect(Object.keys(page)).toEqual(['docs', 'limit', 'nextCursor']);
    expect(page.docs.map((card) => card._id)).toEqual([second._id, first._id]);
    expect(Object.keys(page.docs[0])).toEqual(VIDEO_CARD_KEYS);
    const catalogue = await api(t)
      .get(`/api/v1/video?userId=${creator.id}`)
      .set('Authorization', fan.authHeader)
      .expect(200);
    expect(page.docs).toEqual(catalogue.body.data.docs);
  });

  it('shows a video uploaded unpublished only once it is published; unpublish and delete take it out', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, fan, creator);
    const draft = await uploadVideo(t, creator, { isPublished: false });
    const other = await uploadVideo(t, creator);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([other._id]);

    await setPublished(t, creator, draft._id, true);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([other._id, draft._id]);

    await setPublished(t, creator, draft._id, false);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([other._id]);
    expect(await countEntries(t, { video: draft._id })).toBe(0);

    // Published again, it returns to its place (the feed sorts by the video's createdAt).
    await setPublished(t, creator, draft._id, true);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([other._id, draft._id]);

    await deleteVideo(t, creator, other._id);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([draft._id]);
    expect(await countEntries(t, { video: other._id })).toBe(0);
  });

  it('an unfollow takes that creator’s videos out, and only theirs; following again brings them back', async () => {
    const [left, kept, fan] = await createVerifiedUsers(t, 3);
    await toggleFollow(t, fan, left);
    await toggleFollow(t, fan, kept);
    const leftVideo = await uploadVideo(t, left);
    const keptVideo = await uploadVideo(t, kept);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([keptVideo._id, leftVideo._id]);

    await toggleFollow(t, fan, left);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([keptVideo._id]);
    expect(await countEntries(t, { user: fan.id, owner: left.id })).toBe(0);

    await toggleFollow(t, fan, left);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([keptVideo._id, leftVideo._id]);
  });

  it('a new follow backfills the creator’s 50 newest published videos, newest first', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    const published = await storeVideos(t, creator.id, 53, new Date('2026-03-01T00:00:00Z'));
    await storeVideos(t, creator.id, 2, new Date('2026-04-01T00:00:00Z'), { isPublished: false });
    await toggleFollow(t, fan, creator);
    await settle(t);

    expect(await feedIds(t, fan)).toEqual(published.slice(0, 50));
    expect(await countEntries(t, { user: fan.id })).toBe(50);
    // 50 entries in pages of 50: the first page is also the last.
    expect((await feedOf(t, fan, '?limit=50').expect(200)).body.data.nextCursor).toBeNull();
  });

  it('never shows the caller’s own videos: nobody can follow themself', async () => {
    const [creator, idol] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, creator, idol);
    const own = await uploadVideo(t, creator);
    const idols = await uploadVideo(t, idol);
    await settle(t);
    expect(await feedIds(t, creator)).toEqual([idols._id]);
    expect(await countEntries(t, { video: own._id })).toBe(0);
    expectError(
      await api(t)
        .post(`/api/v1/follower/toggle/${creator.id}`)
        .set('Authorization', creator.authHeader),
      400,
      'BAD_REQUEST',
      'You cannot follow yourself',
    );
  });

  it('walks 3 pages by cursor, each item once and in order, while new videos are published between pages', async () => {
    const [a, b, fan] = await createVerifiedUsers(t, 3);
    // Interleaved in time: a's videos on even seconds, b's on odd ones.
    const start = Date.parse('2026-05-01T00:00:00Z');
    const made: { id: string; at: number }[] = [];
    for (let i = 0; i < 30; i++) {
      const at = start + i * 1000;
      made.push({ id: await insertVideo(t, i % 2 ? b.id : a.id, { createdAt: new Date(at) }), at });
    }
    const expected = made.sort((x, y) => y.at - x.at).map((video) => video.id);
    await toggleFollow(t, fan, a);
    await toggleFollow(t, fan, b);
    await settle(t);

    const fresh: string[] = [];
    // A creator publishes while the reader scrolls: it belongs at the top, not further down.
    const publish = async (pageIndex: number): Promise<void> => {
      fresh.push((await uploadVideo(t, pageIndex % 2 ? b : a))._id);
      await settle(t);
    };
    const { ids: seen, pages } = await walkCursor(
      (query) => feedOf(t, fan, `?${query}`),
      'limit=10',
      (res) => {
        expectSuccess(res, 200, MESSAGE);
        const page = res.body.data as FeedPage;
        expect(page.limit).toBe(10);
        return page;
      },
      { between: publish, maxPages: 10 },
    );
    await publish(pages.length - 1); // and once more after the last page

    expect(pages).toHaveLength(3);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(30);
    expect((await feedIds(t, fan, 3)).sort()).toEqual([...fresh].sort());
    expect(await feedIds(t, fan, 3)).toEqual([...fresh].reverse());
  });

  it('refuses forged, altered and foreign cursors and out-of-range limits with 400, changing nothing', async () => {
    const [creator, fan, other] = await createVerifiedUsers(t, 3);
    await storeVideos(t, creator.id, 3, new Date('2026-06-01T00:00:00Z'));
    await toggleFollow(t, fan, creator);
    await toggleFollow(t, other, creator);
    await settle(t);
    const cursorOf = async (user: TestUser) =>
      ((await feedOf(t, user, '?limit=1').expect(200)).body.data as FeedPage).nextCursor as string;
    const mine = await cursorOf(fan);
    const theirs = await cursorOf(other);
    const [body, tag] = mine.split('.');
    const retargeted = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString()),
        l: `feed:${other.id}`,
      }),
    ).toString('base64url');
    const before = await feedIds(t, fan);
    for (const bad of [
      theirs, // another user's feed
      `${retargeted}.${tag}`, // re-targeted without the key
      `${body}.${tag.slice(0, -2)}AA`, // altered tag
      'not-a-cursor',
      'e30.AAAA', // `{}` with a made-up tag
    ]) {
      expectError(
        await feedOf(t, fan, `?cursor=${encodeURIComponent(bad)}`),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    for (const limit of ['0', '51', 'abc', '2.5'])
      expectError(
        await feedOf(t, fan, `?limit=${limit}`),
        400,
        'VALIDATION_ERROR',
        'limit must be an integer between 1 and 50',
      );
    expectError(
      await feedOf(t, fan, `?cursor=${'a'.repeat(513)}`),
      400,
      'VALIDATION_ERROR',
      'cursor must be at most 512 characters',
    );
    expect(await feedIds(t, fan)).toEqual(before);
    // The caller's own cursor works: the second newest comes next.
    const next = await feedOf(t, fan, `?limit=1&cursor=${encodeURIComponent(mine)}`).expect(200);
    expect((next.body.data as FeedPage).docs.map((card) => card._id)).toEqual([before[1]]);
  });

  it('fans out to 300 followers in batches, and each of them sees the video', async () => {
    const creator = await createVerifiedUser(t);
    const signedIn = await createVerifiedUsers(t, 3);
    const others = Array.from({ length: 297 }, () => new Types.ObjectId().toHexString());
    const followers = [...others.slice(0, 150), ...signedIn.map((u) => u.id), ...others.slice(150)];
    await insertFollows(
      t,
      followers.map((follower) => ({ follower, following: creator.id })),
    );
    const video = await uploadVideo(t, creator);
    await settle(t);

    expect(await countEntries(t, { video: video._id })).toBe(300);
    const entries = await t.connection
      .collection('timelineentries')
      .find<{ user: Types.ObjectId }>({ video: new Types.ObjectId(video._id) })
      .toArray();
    expect(new Set(entries.map((entry) => entry.user.toHexString()))).toEqual(new Set(followers));
    for (const follower of signedIn) expect(await feedIds(t, follower)).toEqual([video._id]);
  });

  it('answers the publishing request before the fan-out has written anything', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, fan, creator);
    await settle(t);
    const timelines = t.app.get(TimelinesService);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = timelines.addToTimelines.bind(timelines);
    const spy = jest.spyOn(timelines, 'addToTimelines').mockImplementationOnce(async (...args) => {
      await gate;
      return original(...args);
    });
    try {
      const video = await uploadVideo(t, creator);
      // The upload has been answered while the fan-out is still held.
      expect(await feedIds(t, fan)).toEqual([]);
      release();
      await settle(t);
      expect(await feedIds(t, fan)).toEqual([video._id]);
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('retries a fan-out job that failed, and counts it in /metrics', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, fan, creator);
    await settle(t);
    const metrics = async () => parseMetrics((await api(t).get('/metrics').expect(200)).text);
    const retried = (samples: Awaited<ReturnType<typeof metrics>>) =>
      sampleValue(samples, 'dancely_jobs_total', { queue: 'feed', outcome: 'retried' }) ?? 0;
    const before = retried(await metrics());
    const timelines = t.app.get(TimelinesService);
    const spy = jest
      .spyOn(timelines, 'addToTimelines')
      .mockRejectedValueOnce(new Error('engine hiccup'));
    try {
      const video = await uploadVideo(t, creator);
      await settle(t);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(await feedIds(t, fan)).toEqual([video._id]);
    } finally {
      spy.mockRestore();
    }
    const samples = await metrics();
    expect(retried(samples)).toBe(before + 1);
    expect(
      sampleValue(samples, 'dancely_jobs_total', { queue: 'feed', outcome: 'completed' }),
    ).toBeGreaterThan(0);
    expect(sampleValue(samples, 'dancely_jobs_waiting', { queue: 'feed' })).toBe(0);
  });

  describe('round trips', () => {
    let log: CommandLog;

    beforeAll(() => {
      log = recordCommands(t.connection);
    });
    afterAll(() => log.stop());

    /** The commands of one request, sorted (some of them run at the same time). */
    const commandsOf = async (user: TestUser, query: string, status: number) => {
      await settle(t);
      log.reset();
      const res = await feedOf(t, user, query);
      expect(res.status).toBe(status);
      const items = status === 200 ? (res.body.data as FeedPage).docs.length : 0;
      return { calls: [...log.calls].sort(), items };
    };

    it('costs the same whether the caller follows 10 or 1,000 creators, and for 1 or 20 cards', async () => {
      const [few, many] = await createVerifiedUsers(t, 2);
      for (const [fan, creators] of [
        [few, 10],
        [many, 1000],
      ] as const) {
        const owners = await insertCreators(t, creators);
        await insertFollows(
          t,
          owners.map((owner) => ({ follower: fan.id, following: owner })),
        );
        // One video of each of the first 40 creators in the caller's timeline.
        const start = Date.parse('2026-07-01T00:00:00Z');
        const videos = [];
        for (const [index, owner] of owners.slice(0, 40).entries()) {
          const createdAt = new Date(start + index * 1000);
          videos.push({
            videoId: await insertVideo(t, owner, { createdAt }),
            ownerId: owner,
            createdAt,
          });
        }
        await insertTimelineEntries(t, fan.id, videos);
      }
      // Authentication's own reads: a request refused by validation right after the guard.
      const auth = (await commandsOf(few, '?limit=0', 400)).calls;
      const baseline = await commandsOf(few, '?limit=1', 200);
      expect(baseline.items).toBe(1);
      for (const [user, limit, items] of [
        [few, 20, 10],
        [many, 1, 1],
        [many, 20, 20],
      ] as const) {
        const measured = await commandsOf(user, `?limit=${limit}`, 200);
        expect(measured.items).toBe(items);
        expect(measured.calls).toEqual(baseline.calls);
      }
      // The timeline page, then at once the follows among the page's owners and the cards
      // (videos, their owners, the caller's likes).
      const feedCalls = [...baseline.calls];
      for (const call of auth) feedCalls.splice(feedCalls.indexOf(call), 1);
      expect(feedCalls).toEqual([
        'find follows',
        'find likes',
        'find timelineentries',
        'find users',
        'find videos',
      ]);
    });
  });
});

describe('GET /feed/videos with a small FEED_MAX_ENTRIES', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000', FEED_MAX_ENTRIES: '10' });
  });
  afterAll(async () => {
    await t.close();
  });

  const storedSize = async (userId: string) =>
    (await t.connection.collection('timelines').findOne({ _id: new Types.ObjectId(userId) }))
      ?.entries as number | undefined;

  it('keeps at most FEED_MAX_ENTRIES per user, cutting a timeline past it back to its newest 90 %', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    const stored = await storeVideos(t, creator.id, 15, new Date('2026-08-01T00:00:00Z'));
    await toggleFollow(t, fan, creator);
    await settle(t);
    // The backfill wrote 15 entries: past 10, so cut back to the newest 9.
    expect(await feedIds(t, fan)).toEqual(stored.slice(0, 9));
    expect(await countEntries(t, { user: fan.id })).toBe(9);
    expect(await storedSize(fan.id)).toBe(9);

    const tenth = await uploadVideo(t, creator);
    await settle(t);
    expect(await countEntries(t, { user: fan.id })).toBe(10);
    expect(await storedSize(fan.id)).toBe(10);

    const eleventh = await uploadVideo(t, creator);
    await settle(t);
    expect(await feedIds(t, fan)).toEqual([eleventh._id, tenth._id, ...stored.slice(0, 7)]);
    expect(await storedSize(fan.id)).toBe(9);
  });

  it('recounts a size that ran high after removals instead of cutting entries', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    await toggleFollow(t, fan, creator);
    const uploaded: string[] = [];
    for (let i = 0; i < 8; i++) uploaded.push((await uploadVideo(t, creator))._id);
    await settle(t);
    expect(await storedSize(fan.id)).toBe(8);
    // Deleting videos removes their entries but cannot lower this user's stored size.
    await deleteVideo(t, creator, uploaded[0]);
    await deleteVideo(t, creator, uploaded[1]);
    await settle(t);
    expect(await storedSize(fan.id)).toBe(8);
    expect(await countEntries(t, { user: fan.id })).toBe(6);
    for (let i = 0; i < 3; i++) await uploadVideo(t, creator);
    await settle(t);
    // Stored 11 > 10 triggered a recount: 9 real entries, none cut.
    expect(await countEntries(t, { user: fan.id })).toBe(9);
    expect(await storedSize(fan.id)).toBe(9);
  });
});
