import { Types } from 'mongoose';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { addComment } from 'test/factories/comments.factory';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUsers, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import {
  api,
  expectError,
  expectSuccess,
  ISO_DATE,
  MISSING_ID,
  OBJECT_ID,
} from 'test/utils/contract';
import { walkCursor } from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const BASE = '/api/v1/notifications';

interface Item {
  _id: string;
  type: string;
  actors: { _id: string; username: string; fullName: string; profileImage: string }[];
  actorCount: number;
  subject: { kind: string; _id: string; title?: string; excerpt?: string };
  read: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  docs: Item[];
  limit: number;
  nextCursor: string | null;
}

/** Notifications through the real routes, written by the real jobs from the real actions. */
describe('Notifications', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Waits until every background job (the notification writes) has finished. */
  const settle = (): Promise<void> => t.app.get(JobQueues).idle();

  const as = (user: TestUser) => ({
    get: (path: string) => api(t).get(path).set('Authorization', user.authHeader),
    post: (path: string) => api(t).post(path).set('Authorization', user.authHeader),
    put: (path: string) => api(t).put(path).set('Authorization', user.authHeader),
    delete: (path: string) => api(t).delete(path).set('Authorization', user.authHeader),
    patch: (path: string) => api(t).patch(path).set('Authorization', user.authHeader),
  });

  async function inbox(user: TestUser, query = ''): Promise<Item[]> {
    await settle();
    const res = await as(user).get(`${BASE}${query}`);
    expectSuccess(res, 200, 'Notifications fetched successfully');
    return (res.body.data as Page).docs;
  }

  async function unread(user: TestUser): Promise<number> {
    await settle();
    const res = await as(user).get(`${BASE}/unread-count`);
    expectSuccess(res, 200, 'Unread count fetched successfully');
    return (res.body.data as { count: number }).count;
  }

  const stored = (userId: string): Promise<number> =>
    t.connection.collection('notifications').countDocuments({ recipient: oid(userId) });

  it('requires a signed-in caller on every route', async () => {
    for (const [method, path] of [
      ['get', BASE],
      ['get', `${BASE}/unread-count`],
      ['post', `${BASE}/read-all`],
      ['post', `${BASE}/${MISSING_ID}/read`],
      ['get', `${BASE}/preferences`],
      ['patch', `${BASE}/preferences`],
    ] as const) {
      const res = await api(t)[method](path);
      expect(res.status).toBe(401);
    }
  });

  it('produces every type from its real route, with the documented item', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    // follow, then a publish by the followed creator (new_video for the fan)
    await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
    await settle();
    const video = await uploadVideo(t, creator, { title: 'Bachata basics' });
    const post = await createPost(t, creator, 'Rehearsal tonight at 8');
    const creatorComment = await addComment(
      t,
      creator,
      { video: video._id },
      'Thanks for watching',
    );
    await settle();

    await as(fan).put(`/api/v1/like/video/${video._id}`).expect(200);
    await as(fan).put(`/api/v1/like/communitypost/${post._id}`).expect(200);
    await as(fan).put(`/api/v1/like/comment/${creatorComment._id}`).expect(200);
    await addComment(t, fan, { video: video._id }, 'Great moves!');
    await addComment(t, fan, { communityPost: post._id }, 'See you there');
    await as(fan)
      .post(`/api/v1/comment/${creatorComment._id}/replies`)
      .send({ content: 'My pleasure' })
      .expect(201);

    const items = await inbox(creator);
    expect(items.map((item) => item.type).sort()).toEqual(
      [
        'comment_like',
        'comment_reply',
        'follow',
        'post_comment',
        'post_like',
        'video_comment',
        'video_like',
      ].sort(),
    );
    // newest action first
    expect(items[0].type).toBe('comment_reply');
    expect(items.at(-1)?.type).toBe('follow');
    for (const item of items) {
      expect(Object.keys(item)).toEqual([
        '_id',
        'type',
        'actors',
        'actorCount',
        'subject',
        'read',
        'createdAt',
        'updatedAt',
      ]);
      expect(item._id).toMatch(OBJECT_ID);
      expect(item.createdAt).toMatch(ISO_DATE);
      expect(item.updatedAt).toMatch(ISO_DATE);
      expect(item.read).toBe(false);
      expect(item.actorCount).toBe(1);
      expect(item.actors).toEqual([
        {
          _id: fan.id,
          username: fan.username,
          fullName: fan.name,
          profileImage: expect.any(String) as string,
        },
      ]);
    }
    const byType = new Map(items.map((item) => [item.type, item.subject]));
    expect(byType.get('follow')).toEqual({ kind: 'user', _id: fan.id });
    expect(byType.get('video_like')).toEqual({
      kind: 'video',
      _id: video._id,
      title: 'Bachata basics',
    });
    expect(byType.get('video_comment')).toEqual(byType.get('video_like'));
    expect(byType.get('post_like')).toEqual({
      kind: 'communitypost',
      _id: post._id,
      excerpt: 'Rehearsal tonight at 8',
    });
    expect(byType.get('comment_like')).toEqual({
      kind: 'comment',
      _id: creatorComment._id,
      excerpt: 'Thanks for watching',
    });
    expect(byType.get('comment_reply')).toEqual(byType.get('comment_like'));

    // The fan was told of the creator's new video, by the creator.
    const fanItems = await inbox(fan);
    expect(fanItems).toHaveLength(1);
    expect(fanItems[0]).toMatchObject({
      type: 'new_video',
      actorCount: 1,
      actors: [{ _id: creator.id }],
      subject: { kind: 'video', _id: video._id, title: 'Bachata basics' },
    });

    // Nothing the store keeps for itself leaks.
    const raw = JSON.stringify(
      await as(creator)
        .get(BASE)
        .expect(200)
        .then((res) => res.body as unknown),
    );
    for (const secret of ['recipient', 'refs', 'windowStart', 'password', 'email', 'key'])
      expect(raw).not.toContain(`"${secret}"`);
  });

  it('groups likes of one subject: 3 actors, count 3; each unlike takes one out, the last the item', async () => {
    const [creator, ...fans] = await createVerifiedUsers(t, 4);
    const video = await uploadVideo(t, creator);
    for (const fan of fans.slice(0, 3))
      await as(fan).put(`/api/v1/like/video/${video._id}`).expect(200);

    let items = await inbox(creator);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'video_like', actorCount: 3 });
    // newest first
    expect(items[0].actors.map((actor) => actor._id)).toEqual(
      fans
        .slice(0, 3)
        .map((fan) => fan.id)
        .reverse(),
    );

    // A repeat by the same actor counts once; the toggle back off undoes it.
    await as(fans[0]).put(`/api/v1/like/video/${video._id}`).expect(200);
    await as(fans[2]).post(`/api/v1/like/toggle-video-like/${video._id}`).expect(200);
    items = await inbox(creator);
    expect(items[0]).toMatchObject({ actorCount: 2 });
    expect(items[0].actors.map((actor) => actor._id)).toEqual([fans[1].id, fans[0].id]);

    await as(fans[0]).delete(`/api/v1/like/video/${video._id}`).expect(200);
    await as(fans[1]).delete(`/api/v1/like/video/${video._id}`).expect(200);
    expect(await inbox(creator)).toEqual([]);
    expect(await stored(creator.id)).toBe(0);

    // A new action on a read group moves it to the top, unread again.
    await as(fans[0]).put(`/api/v1/like/video/${video._id}`).expect(200);
    const post = await createPost(t, creator);
    await addComment(t, fans[1], { communityPost: post._id });
    await settle();
    await as(creator).post(`${BASE}/read-all`).expect(200);
    await as(fans[2]).put(`/api/v1/like/video/${video._id}`).expect(200);
    items = await inbox(creator);
    expect(items.map((item) => [item.type, item.read, item.actorCount])).toEqual([
      ['video_like', false, 2],
      ['post_comment', true, 1],
    ]);
  });

  it('never notifies users of their own actions', async () => {
    const [creator] = await createVerifiedUsers(t, 1);
    const video = await uploadVideo(t, creator);
    const post = await createPost(t, creator);
    const comment = await addComment(t, creator, { video: video._id });
    await as(creator).put(`/api/v1/like/video/${video._id}`).expect(200);
    await as(creator).put(`/api/v1/like/communitypost/${post._id}`).expect(200);
    await as(creator).put(`/api/v1/like/comment/${comment._id}`).expect(200);
    await addComment(t, creator, { communityPost: post._id });
    await as(creator)
      .post(`/api/v1/comment/${comment._id}/replies`)
      .send({ content: 'Replying to myself' })
      .expect(201);
    expect(await inbox(creator)).toEqual([]);
    expect(await stored(creator.id)).toBe(0);
  });

  it('stores nothing for a type turned off; the preferences default to on', async () => {
    const [creator, fan] = await createVerifiedUsers(t, 2);
    let res = await as(creator).get(`${BASE}/preferences`);
    expectSuccess(res, 200, 'Notification preferences fetched successfully');
    expect(res.body.data).toEqual({
      follow: { inApp: true },
      video_like: { inApp: true },
      comment_like: { inApp: true },
      post_like: { inApp: true },
      video_comment: { inApp: true },
      post_comment: { inApp: true },
      comment_reply: { inApp: true },
      new_video: { inApp: true },
      video_ready: { inApp: true },
      video_processing_failed: { inApp: true },
    });

    res = await as(creator)
      .patch(`${BASE}/preferences`)
      .send({ video_like: { inApp: false }, follow: { inApp: false } });
    expectSuccess(res, 200, 'Notification preferences updated successfully');
    expect(res.body.data).toMatchObject({
      video_like: { inApp: false },
      follow: { inApp: false },
      post_like: { inApp: true },
    });
    res = await as(creator).get(`${BASE}/preferences`).expect(200);
    expect(res.body.data).toMatchObject({ video_like: { inApp: false }, follow: { inApp: false } });

    const video = await uploadVideo(t, creator);
    await as(fan).put(`/api/v1/like/video/${video._id}`).expect(200);
    await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
    await settle();
    expect(await stored(creator.id)).toBe(0);
    // other types still arrive
    await addComment(t, fan, { video: video._id });
    expect((await inbox(creator)).map((item) => item.type)).toEqual(['video_comment']);

    // validation: unknown types and non-boolean settings are 400
    res = await as(creator)
      .patch(`${BASE}/preferences`)
      .send({ shouting: { inApp: false } });
    expect(res.status).toBe(400);
    res = await as(creator)
      .patch(`${BASE}/preferences`)
      .send({ follow: { inApp: 'no' } });
    expect(res.status).toBe(400);
    res = await as(creator).patch(`${BASE}/preferences`).send({ follow: {} });
    expect(res.status).toBe(400);
    // a type sent as null (or any non-object) is refused, not a server error
    for (const value of [null, true, 'off', [{ inApp: false }]]) {
      res = await as(creator).patch(`${BASE}/preferences`).send({ new_video: value });
      expect({ status: res.status, message: res.body.message }).toEqual({
        status: 400,
        message: 'new_video must be an object',
      });
    }
    // unknown keys inside a type are refused like unknown top-level keys
    res = await as(creator)
      .patch(`${BASE}/preferences`)
      .send({ follow: { inApp: true, email: true } });
    expect({ status: res.status, message: res.body.message }).toEqual({
      status: 400,
      message: 'follow.email is not allowed',
    });
    // and none of the refused updates changed anything
    res = await as(creator).get(`${BASE}/preferences`).expect(200);
    expect(res.body.data.new_video).toEqual({ inApp: true });
    expect(res.body.data.follow).toEqual({ inApp: false });
  });

  it('keeps the unread count exact under 20 concurrent likes', async () => {
    const [creator, ...fans] = await createVerifiedUsers(t, 21);
    const video = await uploadVideo(t, creator);
    const posts = await Promise.all(fans.map(() => createPost(t, creator)));
    await Promise.all(
      fans.map((fan) => as(fan).put(`/api/v1/like/video/${video._id}`).expect(200)),
    );
    await Promise.all(
      fans.map((fan, i) => as(fan).put(`/api/v1/like/communitypost/${posts[i]._id}`).expect(200)),
    );
    expect(await unread(creator)).toBe(21);
    const items = await inbox(creator, '?limit=50');
    const group = items.find((item) => item.type === 'video_like');
    expect(group?.actorCount).toBe(20);
    expect(group?.actors).toHaveLength(3);
    expect(items.filter((item) => item.type === 'post_like')).toHaveLength(20);
  });

  it('pages newest first by cursor, filters by read state, marks read', async () => {
    const [creator, ...fans] = await createVerifiedUsers(t, 4);
    const videos = [await uploadVideo(t, creator), await uploadVideo(t, creator)];
    for (const fan of fans) await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
    for (const video of videos)
      await as(fans[0]).put(`/api/v1/like/video/${video._id}`).expect(200);
    const all = await inbox(creator);
    expect(all).toHaveLength(5);

    const { ids: seen } = await walkCursor(
      (query) => as(creator).get(`${BASE}?${query}`).expect(200),
      'limit=2',
      (res) => {
        const page = res.body.data as Page;
        expect(page.limit).toBe(2);
        return page;
      },
    );
    expect(seen).toEqual(all.map((item) => item._id));

    // A cursor belongs to its user and its filter.
    const first = (await as(creator).get(`${BASE}?limit=1`).expect(200)).body.data as Page;
    const stranger = fans[1];
    let res = await as(stranger).get(
      `${BASE}?cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    expectError(res, 400, 'INVALID_CURSOR', 'Invalid cursor');
    res = await as(creator).get(
      `${BASE}?unread=true&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    expect(res.status).toBe(400);
    res = await as(creator).get(`${BASE}?unread=maybe`);
    expect(res.status).toBe(400);
    res = await as(creator).get(`${BASE}?limit=51`);
    expect(res.status).toBe(400);

    // mark one read
    res = await as(creator).post(`${BASE}/${all[1]._id}/read`);
    expectSuccess(res, 200, 'Notification marked as read');
    expect(res.body.data).toBeNull();
    await as(creator).post(`${BASE}/${all[1]._id}/read`).expect(200);
    expect(await unread(creator)).toBe(4);
    expect((await inbox(creator, '?unread=false')).map((item) => item._id)).toEqual([all[1]._id]);
    expect((await inbox(creator, '?unread=true')).map((item) => item._id)).toEqual(
      all.filter((_, i) => i !== 1).map((item) => item._id),
    );

    // read-all, idempotent
    res = await as(creator).post(`${BASE}/read-all`);
    expectSuccess(res, 200, 'All notifications marked as read');
    expect(res.body.data).toEqual({ marked: 4 });
    res = await as(creator).post(`${BASE}/read-all`).expect(200);
    expect(res.body.data).toEqual({ marked: 0 });
    expect(await unread(creator)).toBe(0);
  });

  it("lets no one read or mark another user's notifications (guessed ids are 404)", async () => {
    const [creator, fan, stranger] = await createVerifiedUsers(t, 3);
    await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
    const [item] = await inbox(creator);

    let res = await as(stranger).post(`${BASE}/${item._id}/read`);
    expectError(res, 404, 'NOT_FOUND', 'Notification not found');
    res = await as(stranger).post(`${BASE}/${MISSING_ID}/read`);
    expectError(res, 404, 'NOT_FOUND', 'Notification not found');
    res = await as(stranger).post(`${BASE}/not-an-id/read`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ID');
    await as(stranger).post(`${BASE}/read-all`).expect(200);
    expect(await inbox(stranger)).toEqual([]);
    expect(await unread(creator)).toBe(1);
    expect((await inbox(creator))[0].read).toBe(false);
  });

  it('removes the follow notification on unfollow, only the recipient’s', async () => {
    const [a, b, fan] = await createVerifiedUsers(t, 3);
    await as(fan).put(`/api/v1/follower/${a.id}`).expect(200);
    await as(fan).put(`/api/v1/follower/${b.id}`).expect(200);
    await settle();
    await as(fan).delete(`/api/v1/follower/${a.id}`).expect(200);
    expect(await inbox(a)).toEqual([]);
    expect((await inbox(b)).map((item) => item.type)).toEqual(['follow']);
  });

  describe('cascades', () => {
    it('a deleted video takes every notification pointing at it, its comments’ included', async () => {
      const [creator, fan, other] = await createVerifiedUsers(t, 3);
      await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
      const video = await uploadVideo(t, creator);
      const otherComment = await addComment(t, other, { video: video._id });
      await as(fan).put(`/api/v1/like/video/${video._id}`).expect(200);
      await addComment(t, fan, { video: video._id });
      await as(fan).put(`/api/v1/like/comment/${otherComment._id}`).expect(200);
      await as(fan)
        .post(`/api/v1/comment/${otherComment._id}/replies`)
        .send({ content: 'Agreed' })
        .expect(201);
      expect((await inbox(creator)).map((item) => item.type).sort()).toEqual(
        ['follow', 'video_comment', 'video_like'].sort(),
      );
      expect((await inbox(other)).map((item) => item.type).sort()).toEqual(
        ['comment_like', 'comment_reply'].sort(),
      );
      expect((await inbox(fan)).map((item) => item.type)).toEqual(['new_video']);

      await as(creator).delete(`/api/v1/video/${video._id}`).expect(200);
      expect((await inbox(creator)).map((item) => item.type)).toEqual(['follow']);
      expect(await inbox(other)).toEqual([]);
      expect(await inbox(fan)).toEqual([]);
      expect(
        await t.connection.collection('notificationactors').countDocuments({
          refs: oid(video._id),
        }),
      ).toBe(0);
    });

    it('an unpublished video is no one’s notification but its owner’s', async () => {
      const [creator, fan] = await createVerifiedUsers(t, 2);
      await as(fan).put(`/api/v1/follower/${creator.id}`).expect(200);
      const video = await uploadVideo(t, creator);
      await as(fan).put(`/api/v1/like/video/${video._id}`).expect(200);
      expect((await inbox(fan)).map((item) => item.type)).toEqual(['new_video']);
      await as(creator)
        .patch(`/api/v1/video/publish-status/${video._id}`)
        .send({ isPublished: false })
        .expect(200);
      expect(await inbox(fan)).toEqual([]);
      expect((await inbox(creator)).map((item) => item.type).sort()).toEqual([
        'follow',
        'video_like',
      ]);
    });

    it('a deleted comment takes its likes’ notifications and its author out of the group', async () => {
      const [creator, fan, other] = await createVerifiedUsers(t, 3);
      const video = await uploadVideo(t, creator);
      const fanComment = await addComment(t, fan, { video: video._id });
      await addComment(t, other, { video: video._id });
      await as(creator).put(`/api/v1/like/comment/${fanComment._id}`).expect(200);
      expect((await inbox(creator))[0]).toMatchObject({ type: 'video_comment', actorCount: 2 });
      expect((await inbox(fan)).map((item) => item.type)).toEqual(['comment_like']);

      await as(fan).delete(`/api/v1/comment/${fanComment._id}`).expect(200);
      const items = await inbox(creator);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ type: 'video_comment', actorCount: 1 });
      expect(items[0].actors.map((actor) => actor._id)).toEqual([other.id]);
      expect(await inbox(fan)).toEqual([]);
    });

    it('a deleted reply leaves the thread author’s group; a deleted post takes its notifications', async () => {
      const [creator, fan] = await createVerifiedUsers(t, 2);
      const post = await createPost(t, creator);
      const comment = await addComment(t, creator, { communityPost: post._id });
      await as(fan).put(`/api/v1/like/communitypost/${post._id}`).expect(200);
      await addComment(t, fan, { communityPost: post._id });
      const reply = await as(fan)
        .post(`/api/v1/comment/${comment._id}/replies`)
        .send({ content: 'Count me in' })
        .expect(201);
      expect((await inbox(creator)).map((item) => item.type).sort()).toEqual(
        ['comment_reply', 'post_comment', 'post_like'].sort(),
      );
      await as(fan)
        .delete(`/api/v1/comment/${(reply.body.data as { _id: string })._id}`)
        .expect(200);
      expect((await inbox(creator)).map((item) => item.type).sort()).toEqual(
        ['post_comment', 'post_like'].sort(),
      );
      await as(creator).delete(`/api/v1/communitypost/${post._id}`).expect(200);
      expect(await inbox(creator)).toEqual([]);
      expect(await stored(creator.id)).toBe(0);
    });
  });
});

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}
