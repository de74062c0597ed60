import { Types } from 'mongoose';
import { addComment, countComments } from 'test/factories/comments.factory';
import { countLikes, toggleLike } from 'test/factories/likes.factory';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUsers, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import {
  api,
  ENGAGEMENT_ENV,
  expectCommentShape,
  expectError,
  expectSuccess,
} from 'test/likes/engagement-test.util';
import { MISSING_ID } from 'test/utils/contract';
import { walkCursor } from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface CommentData {
  _id: string;
  content: string;
  parentId: string | null;
  replyCount?: number;
  replyTo?: string | null;
  owner: { _id: string };
  [key: string]: unknown;
}

interface ReplyPage {
  docs: CommentData[];
  totalDocs: number;
  limit: number;
  nextCursor: string | null;
}

/** Threaded replies: one level deep, counted, cursor-paged, removed with their thread. */
describe('comment replies', () => {
  let t: TestApp;
  let creator: TestUser;
  let fan: TestUser;
  let other: TestUser;
  let videoId: string;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    [creator, fan, other] = await createVerifiedUsers(t, 3);
    videoId = (await uploadVideo(t, creator, { isPublished: true }))._id;
  });
  afterAll(async () => {
    await t.close();
  });

  const reply = (user: TestUser | null, commentId: string, content = 'So clean!') => {
    const req = api(t).post(`/api/v1/comment/${commentId}/replies`).send({ content });
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const replies = (commentId: string, query = '', user?: TestUser) => {
    const req = api(t).get(`/api/v1/comment/${commentId}/replies${query}`);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const videoComments = (id: string) =>
    api(t).get(`/api/v1/comment/video-comments/${id}?limit=100`);
  const stored = async (collection: string, id: string) =>
    t.connection.collection(collection).findOne({ _id: new Types.ObjectId(id) });

  it('answers a reply to a top-level comment and counts it, while the top-level list stays top-level only', async () => {
    const top = await addComment(t, fan, { video: videoId });
    const res = await reply(other, top._id, 'Teach me that turn');
    expectSuccess(res, 201, 'Reply added successfully');
    const data = res.body.data as CommentData;
    expect(data).toMatchObject({
      content: 'Teach me that turn',
      video: videoId,
      parentId: top._id,
      replyTo: null,
      likesCount: 0,
      isLiked: false,
    });
    expect(data).not.toHaveProperty('replyCount');
    expect(data.owner._id).toBe(other.id);

    const list = (await videoComments(videoId).expect(200)).body.data.docs as CommentData[];
    expect(list.map((comment) => comment._id)).toContain(top._id);
    expect(list.map((comment) => comment._id)).not.toContain(data._id);
    const shown = list.find((comment) => comment._id === top._id);
    expect(shown).toMatchObject({ parentId: null, replyCount: 1 });
    expectCommentShape(shown as Record<string, unknown>, 'video');
    expect((await stored('videos', videoId))?.commentsCount).toBe(
      await countComments(t, { video: videoId }),
    );
  });

  it('attaches a reply to a reply to the same top-level comment and names the user it answers', async () => {
    const top = await addComment(t, creator, { video: videoId });
    const first = (await reply(fan, top._id).expect(201)).body.data as CommentData;
    const second = (await reply(other, first._id, '@fan agreed').expect(201)).body
      .data as CommentData;
    expect(second).toMatchObject({ parentId: top._id, replyTo: fan.id });
    const page = (await replies(top._id).expect(200)).body.data as ReplyPage;
    expect(page.docs.map((item) => item._id)).toEqual([first._id, second._id]);
    expect(page.totalDocs).toBe(2);
    // A reply has no thread of its own.
    const none = (await replies(first._id).expect(200)).body.data as ReplyPage;
    expect(none).toEqual({ docs: [], totalDocs: 0, limit: 20, nextCursor: null });
  });

  it('walks every reply exactly once, oldest first, by cursor, while new replies arrive between pages', async () => {
    const top = await addComment(t, creator, { video: videoId });
    const made: string[] = [];
    for (let i = 0; i < 23; i++)
      made.push(
        ((await reply(i % 2 ? fan : other, top._id, `r${i}`).expect(201)).body.data as CommentData)
          ._id,
      );

    const { ids: seen, pages } = await walkCursor(
      (query) => replies(top._id, `?${query}`, fan),
      'limit=10',
      (res) => {
        expectSuccess(res, 200, 'Replies fetched successfully');
        const page = res.body.data as ReplyPage;
        expect(page.docs.length).toBeLessThanOrEqual(10);
        return page;
      },
      {
        // A newcomer replies while the reader scrolls: it belongs at the end.
        between: async (pageIndex) => {
          if (pageIndex === 0)
            made.push(
              ((await reply(fan, top._id, 'late').expect(201)).body.data as CommentData)._id,
            );
        },
        maxPages: 10,
      },
    );

    expect(pages).toHaveLength(3);
    expect(seen).toEqual(made);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses forged, altered and foreign cursors with 400 INVALID_CURSOR', async () => {
    const top = await addComment(t, creator, { video: videoId });
    const elsewhere = await addComment(t, creator, { video: videoId });
    for (let i = 0; i < 3; i++) await reply(fan, top._id).expect(201);
    for (let i = 0; i < 3; i++) await reply(fan, elsewhere._id).expect(201);
    const cursor = ((await replies(elsewhere._id, '?limit=1').expect(200)).body.data as ReplyPage)
      .nextCursor as string;
    const [body, tag] = cursor.split('.');
    const forgedBody = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString()),
        l: `replies:${top._id}`,
      }),
    ).toString('base64url');
    for (const bad of [
      cursor, // another thread's cursor
      `${forgedBody}.${tag}`, // re-targeted without the key
      `${body}.${tag.slice(0, -2)}AA`, // altered tag
      'not-a-cursor',
      'e30.AAAA', // `{}` with a made-up tag
    ]) {
      expectError(
        await replies(top._id, `?cursor=${encodeURIComponent(bad)}`),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await replies(top._id, '?limit=0'),
      400,
      'VALIDATION_ERROR',
      'limit must be an integer between 1 and 100',
    );
  });

  it('deleting a thread removes its replies and their likes, and the counts follow', async () => {
    const top = await addComment(t, fan, { video: videoId });
    const made = [];
    for (let i = 0; i < 4; i++)
      made.push((await reply(other, top._id).expect(201)).body.data as CommentData);
    await toggleLike(t, creator, 'comment', made[0]._id).expect(200);
    // Deleting one reply: the thread's count drops.
    await api(t)
      .delete(`/api/v1/comment/${made[3]._id}`)
      .set('Authorization', other.authHeader)
      .expect(200);
    expect((await stored('comments', top._id))?.replyCount).toBe(3);

    await api(t)
      .delete(`/api/v1/comment/${top._id}`)
      .set('Authorization', fan.authHeader)
      .expect(200);
    for (const item of made) expect(await stored('comments', item._id)).toBeNull();
    expect(await countLikes(t, 'comment', made[0]._id)).toBe(0);
    expect((await stored('videos', videoId))?.commentsCount).toBe(
      await countComments(t, { video: videoId }),
    );
    expectError(await replies(top._id), 404, 'NOT_FOUND', 'Comment not found');
  });

  it('threads on posts work the same way', async () => {
    const post = await createPost(t, creator);
    const top = await addComment(t, fan, { communityPost: post._id });
    const data = (await reply(creator, top._id).expect(201)).body.data as CommentData;
    expect(data).toMatchObject({ communityPost: post._id, parentId: top._id });
    expect((await stored('communityposts', post._id))?.commentsCount).toBe(2);
  });

  it('hides threads whose video is hidden, and requires a signed-in, valid reply', async () => {
    const hidden = await uploadVideo(t, creator, { isPublished: false });
    const top = await addComment(t, creator, { video: hidden._id });
    expectError(await reply(fan, top._id), 404, 'NOT_FOUND', 'Comment not found');
    expectError(await replies(top._id, '', fan), 404, 'NOT_FOUND', 'Comment not found');
    expectError(await reply(fan, MISSING_ID), 404, 'NOT_FOUND', 'Comment not found');
    expect((await reply(null, top._id)).status).toBe(401);
    const visible = await addComment(t, creator, { video: videoId });
    expectError(
      await reply(fan, visible._id, '   '),
      400,
      'VALIDATION_ERROR',
      'Comment Content is required',
    );
    expectError(await reply(fan, 'not-an-id'), 400, 'INVALID_ID', 'Invalid ID');
    // Nothing was stored by the refused calls.
    expect(
      await t.connection
        .collection('comments')
        .countDocuments({ parent: new Types.ObjectId(visible._id) }),
    ).toBe(0);
  });
});
