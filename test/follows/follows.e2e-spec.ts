import { Types } from 'mongoose';
import { countFollows, insertFollow } from 'test/factories/follows.factory';
import { insertVideo } from 'test/factories/videos.factory';
import {
  createPendingUser,
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import {
  API,
  api,
  expectError,
  expectSuccess,
  ISO_DATE,
  MISSING_ID,
  OBJECT_ID,
  CURSOR_PAGINATION_KEYS,
  RELAXED_LIMITS,
} from 'test/follows/social-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const FOLLOW_ITEM_KEYS = [
  '_id',
  'userId',
  'username',
  'name',
  'profileImage',
  'createdAt',
  'isFollowed',
];

interface FollowItem {
  _id: string;
  userId: string;
  username: string;
  createdAt: string;
  isFollowed: boolean;
}

describe('Follower: the follow toggle and the two lists', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
  });
  afterAll(async () => {
    await t.close();
  });

  const toggle = (caller: TestUser, userId: string) =>
    api(t).post(`${API}/follower/toggle/${userId}`).set('Authorization', caller.authHeader);
  const followers = (userId: string, query = '', caller?: TestUser) => {
    const req = api(t).get(`${API}/follower/followers/${userId}${query}`);
    return caller ? req.set('Authorization', caller.authHeader) : req;
  };
  const following = (userId: string, query = '', caller?: TestUser) => {
    const req = api(t).get(`${API}/follower/following/${userId}${query}`);
    return caller ? req.set('Authorization', caller.authHeader) : req;
  };
  const profile = (username: string, caller?: TestUser) => {
    const req = api(t).get(`${API}/user/${username}`);
    return caller ? req.set('Authorization', caller.authHeader) : req;
  };

  describe('POST /follower/toggle/:userId', () => {
    it('follows, then unfollows, reporting the stored state and the recounted followers', async () => {
      const [me, target] = await createVerifiedUsers(t, 2);

      const followed = await toggle(me, target.id);
      expectSuccess(followed, 200, 'Followed successfully');
      expect(followed.body.data).toEqual({ isFollowed: true, followersCount: 1 });
      expect(await countFollows(t, { follower: me.id, following: target.id })).toBe(1);

      const unfollowed = await toggle(me, target.id);
      expectSuccess(unfollowed, 200, 'Unfollowed successfully');
      expect(unfollowed.body.data).toEqual({ isFollowed: false, followersCount: 0 });
      expect(await countFollows(t, { follower: me.id, following: target.id })).toBe(0);
    });

    it('counts the other followers too, and a following GET agrees with the toggle', async () => {
      const [me, target, other] = await createVerifiedUsers(t, 3);
      await toggle(other, target.id).expect(200);

      const res = await toggle(me, target.id);
      expect(res.body.data).toEqual({ isFollowed: true, followersCount: 2 });

      const list = await followers(target.id, '', me);
      expect(list.body.data.totalDocs).toBe(2);
      const mine = (list.body.data.docs as FollowItem[]).find((item) => item.userId === me.id);
      expect(mine).toBeDefined();
      const seen = await profile(target.username, me);
      expect(seen.body.data).toMatchObject({
        followersCount: 2,
        isFollowed: true,
        isFollowedByMe: true,
      });
    });

    it('the watch page shows the owner’s followers and whether the caller follows them', async () => {
      const [owner, fan, other, third] = await createVerifiedUsers(t, 4);
      const videoId = await insertVideo(t, owner.id, { title: 'Followed owner' });
      await toggle(fan, owner.id).expect(200);
      await toggle(third, owner.id).expect(200);
      // A relation between two other users is not counted for the owner.
      await toggle(fan, other.id).expect(200);

      const ownerSeenBy = async (caller?: TestUser): Promise<unknown> => {
        const req = api(t).get(`${API}/video/${videoId}`);
        if (caller) req.set('Authorization', caller.authHeader);
        const res = await req.expect(200);
        const { followersCount, isFollowed } = res.body.data.owner;
        return { followersCount, isFollowed };
      };
      expect(await ownerSeenBy(fan)).toEqual({ followersCount: 2, isFollowed: true });
      expect(await ownerSeenBy(other)).toEqual({ followersCount: 2, isFollowed: false });
      expect(await ownerSeenBy(owner)).toEqual({ followersCount: 2, isFollowed: false });
      expect(await ownerSeenBy()).toEqual({ followersCount: 2, isFollowed: false });

      await toggle(fan, owner.id).expect(200);
      expect(await ownerSeenBy(fan)).toEqual({ followersCount: 1, isFollowed: false });
    });

    it('accepts a bodyless call with or without a JSON content type', async () => {
      const [me, target] = await createVerifiedUsers(t, 2);
      await toggle(me, target.id).set('Content-Type', 'application/json').expect(200);
      await toggle(me, target.id).expect(200);
      expect(await countFollows(t, { follower: me.id, following: target.id })).toBe(0);
    });

    it('refuses to follow yourself with 400 BAD_REQUEST, in either hex case', async () => {
      const me = await createVerifiedUser(t);
      expectError(await toggle(me, me.id), 400, 'BAD_REQUEST', 'You cannot follow yourself');
      expectError(
        await toggle(me, me.id.toUpperCase()),
        400,
        'BAD_REQUEST',
        'You cannot follow yourself',
      );
      expect(await countFollows(t, { follower: me.id })).toBe(0);
    });

    it('answers 404 User not found for an unknown or pending user, and stores nothing', async () => {
      const me = await createVerifiedUser(t);
      const pending = await createPendingUser(t);
      expectError(await toggle(me, MISSING_ID), 404, 'NOT_FOUND', 'User not found');
      expectError(await toggle(me, pending.id), 404, 'NOT_FOUND', 'User not found');
      expect(await countFollows(t, { follower: me.id })).toBe(0);
    });

    it('answers 400 Invalid ID for a malformed id and 401 without credentials', async () => {
      const me = await createVerifiedUser(t);
      const bad = await toggle(me, 'not-an-id');
      expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
      expect(bad.body.errors).toEqual([
        { field: 'userId', location: 'params', message: 'Invalid ID' },
      ]);
      expectError(
        await api(t).post(`${API}/follower/toggle/${me.id}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('keeps one relation and true counts after 20 concurrent toggles by one user', async () => {
      const [me, target] = await createVerifiedUsers(t, 2);
      const responses = await Promise.all(Array.from({ length: 20 }, () => toggle(me, target.id)));
      for (const res of responses) {
        expect(res.status).toBe(200);
        // Each response reports one of the two possible states, with a count that fits it.
        expect([0, 1]).toContain(res.body.data.followersCount);
        expect(res.body.message).toBe(
          res.body.data.isFollowed ? 'Followed successfully' : 'Unfollowed successfully',
        );
      }
      const stored = await countFollows(t, { follower: me.id, following: target.id });
      expect(stored).toBeLessThanOrEqual(1);

      const seen = await profile(target.username, me);
      expect(seen.body.data.followersCount).toBe(stored);
      expect(seen.body.data.isFollowed).toBe(stored === 1);
      const mine = await profile(me.username);
      expect(mine.body.data.followingCount).toBe(stored);
      expect((await followers(target.id)).body.data.totalDocs).toBe(stored);
      expect((await following(me.id)).body.data.totalDocs).toBe(stored);

      // One more toggle reports the truth about what it did.
      const next = await toggle(me, target.id);
      expect(next.body.data).toEqual({
        isFollowed: stored === 0,
        followersCount: stored === 0 ? 1 : 0,
      });
    });

    it('counts every follower after concurrent toggles by many users', async () => {
      const target = await createVerifiedUser(t);
      const fans = await createVerifiedUsers(t, 15);
      const responses = await Promise.all(fans.map((fan) => toggle(fan, target.id)));
      for (const res of responses) {
        expect(res.body.data.isFollowed).toBe(true);
        expect(res.body.data.followersCount).toBeGreaterThanOrEqual(1);
        expect(res.body.data.followersCount).toBeLessThanOrEqual(15);
      }
      expect(await countFollows(t, { following: target.id })).toBe(15);
      expect((await profile(target.username)).body.data.followersCount).toBe(15);
      expect((await followers(target.id, '?limit=100')).body.data.totalDocs).toBe(15);

      // Half of them unfollow at once, while the other half toggle twice.
      const [leaving, staying] = [fans.slice(0, 7), fans.slice(7)];
      await Promise.all([
        ...leaving.map((fan) => toggle(fan, target.id)),
        ...staying.map(async (fan) => {
          await toggle(fan, target.id);
          await toggle(fan, target.id);
        }),
      ]);
      const stored = await countFollows(t, { following: target.id });
      expect(stored).toBe(8);
      expect((await profile(target.username)).body.data.followersCount).toBe(stored);
      expect((await followers(target.id)).body.data.totalDocs).toBe(stored);
    });
  });

  describe('GET /follower/followers/:userId and GET /follower/following/:userId', () => {
    it('list FollowItems with every field, newest follow first by default', async () => {
      const [star, fanA, fanB] = await createVerifiedUsers(t, 3);
      const base = Date.now() - 60_000;
      const olderId = await insertFollow(t, fanA.id, star.id, new Date(base));
      const newerId = await insertFollow(t, fanB.id, star.id, new Date(base + 1000));

      const res = await followers(star.id);
      expectSuccess(res, 200, 'Followers fetched successfully');
      expect(Object.keys(res.body.data)).toEqual(CURSOR_PAGINATION_KEYS);
      const docs = res.body.data.docs as Record<string, unknown>[];
      expect(docs.map((item) => item._id)).toEqual([newerId, olderId]);
      for (const item of docs) {
        expect(Object.keys(item)).toEqual(FOLLOW_ITEM_KEYS);
        expect(item._id).toMatch(OBJECT_ID);
        expect(item.createdAt).toMatch(ISO_DATE);
      }
      expect(docs[0]).toEqual({
        _id: newerId,
        userId: fanB.id,
        username: fanB.username,
        name: fanB.name,
        profileImage: expect.stringMatching(/^https?:\/\//) as unknown,
        createdAt: new Date(base + 1000).toISOString(),
        isFollowed: false,
      });

      const asc = await followers(star.id, '?sortBy=createdAt&sortOrder=asc');
      expect((asc.body.data.docs as FollowItem[]).map((item) => item._id)).toEqual([
        olderId,
        newerId,
      ]);

      const theirs = await following(fanA.id);
      expectSuccess(theirs, 200, 'Following list fetched successfully');
      expect(theirs.body.data.docs).toEqual([
        expect.objectContaining({ _id: olderId, userId: star.id, username: star.username }),
      ]);
    });

    it('sets isFollowed for the caller in one page, false for anonymous callers', async () => {
      const [star, viewer, fanA, fanB] = await createVerifiedUsers(t, 4);
      await insertFollow(t, fanA.id, star.id);
      await insertFollow(t, fanB.id, star.id);
      await insertFollow(t, viewer.id, star.id);
      await insertFollow(t, viewer.id, fanB.id);

      const flags = (docs: FollowItem[]) =>
        Object.fromEntries(docs.map((item) => [item.userId, item.isFollowed]));
      const signedIn = await followers(star.id, '', viewer);
      expect(flags(signedIn.body.data.docs)).toEqual({
        [fanA.id]: false,
        [fanB.id]: true,
        // The caller never follows themself.
        [viewer.id]: false,
      });
      const anonymous = await followers(star.id);
      expect(flags(anonymous.body.data.docs)).toEqual({
        [fanA.id]: false,
        [fanB.id]: false,
        [viewer.id]: false,
      });
      const theirFollowing = await following(viewer.id, '', fanA);
      expect(flags(theirFollowing.body.data.docs)).toEqual({ [star.id]: true, [fanB.id]: false });
    });

    it('pages 25 follows sharing one createdAt exactly once each, by _id', async () => {
      const star = await createVerifiedUser(t);
      const fans = await createVerifiedUsers(t, 25);
      const at = new Date(Date.now() - 3_600_000);
      const ids: string[] = [];
      for (const fan of fans) ids.push(await insertFollow(t, fan.id, star.id, at));

      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await followers(star.id, `?page=${page}&limit=10`);
        seen.push(...(res.body.data.docs as FollowItem[]).map((item) => item._id));
        expect(res.body.data).toMatchObject({
          totalDocs: 25,
          limit: 10,
          page,
          totalPages: 3,
          pagingCounter: (page - 1) * 10 + 1,
          hasPrevPage: page > 1,
          hasNextPage: page < 3,
          prevPage: page > 1 ? page - 1 : null,
          nextPage: page < 3 ? page + 1 : null,
        });
      }
      const byIdDesc = [...ids].sort((a, b) => (a < b ? 1 : -1));
      expect(seen).toEqual(byIdDesc);

      const ascending: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await followers(star.id, `?page=${page}&limit=10&sortOrder=asc`);
        ascending.push(...(res.body.data.docs as FollowItem[]).map((item) => item._id));
      }
      expect(ascending).toEqual([...byIdDesc].reverse());

      const past = await followers(star.id, '?page=4&limit=10');
      expect(past.body.data).toMatchObject({
        docs: [],
        totalDocs: 25,
        page: 4,
        hasNextPage: false,
      });
      const byDefault = await followers(star.id);
      expect(byDefault.body.data).toMatchObject({ limit: 10, totalPages: 3 });
      expect(byDefault.body.data.docs).toHaveLength(10);
    });

    it('validates sortBy, sortOrder, page and limit', async () => {
      const star = await createVerifiedUser(t);
      const cases: [string, string][] = [
        ['?sortBy=views', 'sortBy must be one of createdAt'],
        ['?sortBy=', 'sortBy must be one of createdAt'],
        ['?sortOrder=up', 'sortOrder must be one of asc, desc'],
        ['?limit=0', 'limit must be an integer between 1 and 100'],
        ['?limit=101', 'limit must be an integer between 1 and 100'],
        ['?limit=-1', 'limit must be an integer between 1 and 100'],
        ['?limit=abc', 'limit must be an integer between 1 and 100'],
        ['?page=0', 'page must be an integer greater than or equal to 1'],
        ['?page=1&page=2', 'page must be a single value'],
      ];
      for (const [query, message] of cases) {
        expectError(await followers(star.id, query), 400, 'VALIDATION_ERROR', message);
        expectError(await following(star.id, query), 400, 'VALIDATION_ERROR', message);
      }
    });

    it('answers 404 User not found for unknown and pending users, 400 for malformed ids', async () => {
      const pending = await createPendingUser(t);
      const viewer = await createVerifiedUser(t);
      for (const list of [followers, following]) {
        expectError(await list(MISSING_ID), 404, 'NOT_FOUND', 'User not found');
        expectError(await list(pending.id), 404, 'NOT_FOUND', 'User not found');
        expectError(await list(pending.id, '', viewer), 404, 'NOT_FOUND', 'User not found');
        expectError(await list('xyz'), 400, 'INVALID_ID', 'Invalid ID');
      }
    });

    it('never lists a pending account', async () => {
      const star = await createVerifiedUser(t);
      const fan = await createVerifiedUser(t);
      const pending = await createPendingUser(t);
      // Only legacy data can hold such a relation: the toggle refuses pending targets and pending
      // accounts cannot sign in.
      await insertFollow(t, pending.id, star.id);
      await insertFollow(t, fan.id, star.id);
      await insertFollow(t, star.id, pending.id);

      const list = await followers(star.id);
      expect((list.body.data.docs as FollowItem[]).map((item) => item.userId)).toEqual([fan.id]);
      const theirs = await following(star.id);
      expect(theirs.body.data.docs).toEqual([]);
    });

    it('accepts an uppercase id and answers the same list', async () => {
      const [star, fan] = await createVerifiedUsers(t, 2);
      await insertFollow(t, fan.id, star.id);
      const res = await followers(star.id.toUpperCase());
      expect((res.body.data.docs as FollowItem[]).map((item) => item.userId)).toEqual([fan.id]);
    });

    it('answers 401 to stale credentials on the optional routes', async () => {
      const star = await createVerifiedUser(t);
      const res = await api(t)
        .get(`${API}/follower/followers/${star.id}`)
        .set('Authorization', `Bearer ${new Types.ObjectId().toHexString()}`);
      expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });
});
