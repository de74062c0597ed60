import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { type CommentParentRef, insertComments } from 'test/factories/comments.factory';
import { insertPost } from 'test/factories/posts.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { api, ENGAGEMENT_ENV, expectError } from 'test/likes/engagement-test.util';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

type Order = 'asc' | 'desc';
const ORDERS: Order[] = ['desc', 'asc'];

/**
 * The video and post comment lists by cursor (docs/api.md#cursor-pages): a keyset on
 * (`createdAt`, `_id`) in `sortOrder`; numbered pages answer as before plus `nextCursor`.
 */
describe('comment lists by cursor', () => {
  let t: TestApp;
  let comments: Model<Comment>;
  let author: TestUser;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    comments = t.app.get<Model<Comment>>(getModelToken(Comment.name));
    author = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const pathOf = (parent: CommentParentRef): string =>
    'video' in parent
      ? `/api/v1/comment/video-comments/${parent.video}`
      : `/api/v1/comment/post-comments/${parent.communityPost}`;
  const get = (parent: CommentParentRef, query: string): Promise<request.Response> =>
    api(t).get(`${pathOf(parent)}?${query}`);
  const walk = (
    parent: CommentParentRef,
    query: string,
    between?: (pageIndex: number) => Promise<void>,
  ): Promise<{ ids: string[]; pages: CursorPage[] }> =>
    walkCursorPages((q) => get(parent, q), query, between);

  /** A fresh video or post (by a fresh creator) to comment on. */
  async function newParent(kind: 'video' | 'post'): Promise<CommentParentRef> {
    const creator = await createVerifiedUser(t);
    return kind === 'video'
      ? { video: await insertVideo(t, creator.id) }
      : { communityPost: await insertPost(t, creator.id) };
  }

  async function rowsOf(ids: string[]): Promise<{ id: string; at: number }[]> {
    const found = await comments
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .lean()
      .exec();
    return found.map((c) => ({ id: c._id.toHexString(), at: c.createdAt.getTime() }));
  }

  for (const kind of ['video', 'post'] as const) {
    for (const order of ORDERS) {
      it(`walks a ${kind}'s comments (${order}) exactly once, in order, page for page as the numbered pages`, async () => {
        const parent = await newParent(kind);
        // Four instants for 19 comments: the `_id` tie-breaker carries the walk across pages.
        const ids = await insertComments(
          t,
          author.id,
          parent,
          Array.from({ length: 19 }, (_, i) => new Date(Date.UTC(2026, 3, 1, 0, 0, i % 4))),
        );
        const expected = keysetOrder(await rowsOf(ids), (row) => row.at, order);
        const { ids: walked, pages } = await walk(parent, `sortOrder=${order}&limit=4`);
        expect(walked).toEqual(expected);
        expect(pages.map((page) => [page.page, page.totalDocs, page.totalPages])).toEqual(
          [1, 2, 3, 4, 5].map((n) => [n, 19, 5]),
        );
        expect(pages[4]).toMatchObject({ hasNextPage: false, nextPage: null, nextCursor: null });
        const numbered = (await get(parent, `sortOrder=${order}&limit=4&page=2`)).body
          .data as CursorPage;
        const { nextCursor: _a, ...second } = pages[1];
        const { nextCursor: _b, ...numberedSecond } = numbered;
        expect(numberedSecond).toEqual(second);
        // A numbered page's cursor continues right after it.
        const third = (
          await get(parent, withCursor(`sortOrder=${order}&limit=4`, numbered.nextCursor))
        ).body.data as CursorPage;
        expect(third.docs.map((doc) => doc._id)).toEqual(expected.slice(8, 12));
      });
    }
  }

  it('returns every comment that stays exactly once while comments come and go between pages', async () => {
    const parent = await newParent('video');
    const at = (second: number): Date => new Date(Date.UTC(2026, 4, 1, 0, 0, second));
    const ids = await insertComments(
      t,
      author.id,
      parent,
      Array.from({ length: 20 }, (_, i) => at(10 + i)),
    );
    // Oldest first: new comments land after the position and are reached.
    const initial = keysetOrder(await rowsOf(ids), (row) => row.at, 'asc');
    const deleted = new Set<string>();
    const added: string[] = [];
    const { ids: seen } = await walk(parent, 'sortOrder=asc&limit=3', async (pageIndex) => {
      added.push(...(await insertComments(t, author.id, parent, [at(100 + pageIndex)])));
      // Older than the position: never reached.
      await insertComments(t, author.id, parent, [at(pageIndex)]);
      const served = (pageIndex + 1) * 3;
      for (const victim of [initial[served - 2], initial[served + 1]]) {
        if (victim === undefined || deleted.has(victim)) continue;
        deleted.add(victim);
        await comments.deleteOne({ _id: new Types.ObjectId(victim) }).exec();
      }
    });
    expect(new Set(seen).size).toBe(seen.length);
    const stayed = initial.filter((id) => !deleted.has(id));
    expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
    expect(seen.filter((id) => added.includes(id))).toEqual(added);
    expect(seen.every((id) => stayed.includes(id) || deleted.has(id) || added.includes(id))).toBe(
      true,
    );
  });

  it('refuses forged, altered and foreign cursors with 400 INVALID_CURSOR, and page with cursor', async () => {
    const video = await newParent('video');
    const post = await newParent('post');
    const otherVideo = await newParent('video');
    for (const parent of [video, post, otherVideo]) {
      await insertComments(t, author.id, parent, [new Date(1), new Date(2), new Date(3)]);
    }
    const cursor = ((await get(video, 'limit=1')).body.data as CursorPage).nextCursor as string;
    const postCursor = ((await get(post, 'limit=1')).body.data as CursorPage).nextCursor as string;
    const [body, tag] = cursor.split('.');
    const bad: [CommentParentRef, string, string][] = [
      [video, 'limit=1', `${body}.${tag.slice(0, -2)}AA`],
      [video, 'limit=1', `${body.slice(0, -2)}.${tag}`],
      [video, 'limit=1', 'not-a-cursor'],
      [video, 'limit=1&sortOrder=asc', cursor], // another order
      [otherVideo, 'limit=1', cursor], // another video
      [post, 'limit=1&sortOrder=desc', cursor], // a video's cursor on a post
      [video, 'limit=1', postCursor],
    ];
    for (const [parent, query, forged] of bad) {
      expectError(
        await get(parent, withCursor(query, forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get(video, withCursor('limit=1&page=1', cursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it('property: random threads and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(31);
    for (let round = 0; round < 10; round++) {
      const parent = await newParent(random() < 0.5 ? 'video' : 'post');
      const size = Math.floor(random() * 35);
      const instants = 1 + Math.floor(random() * 5);
      const ids = await insertComments(
        t,
        author.id,
        parent,
        Array.from({ length: size }, () => new Date(Math.floor(random() * instants) * 1000)),
      );
      const order: Order = random() < 0.5 ? 'asc' : 'desc';
      const limit = 1 + Math.floor(random() * 10);
      const { ids: walked, pages } = await walk(parent, `sortOrder=${order}&limit=${limit}`);
      const context = `round ${round}: ${size} comments, ${order}, limit ${limit}`;
      expect({ context, walked }).toEqual({
        context,
        walked: keysetOrder(await rowsOf(ids), (row) => row.at, order),
      });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(size / limit)));
      expect(pages.every((page) => page.totalDocs === size)).toBe(true);
    }
  });
});
