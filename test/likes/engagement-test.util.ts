import request, { type Response } from 'supertest';
import { recordCommands } from 'test/utils/db-commands';
import type { TestApp } from 'test/utils/test-app';

/** Shared by the likes, comments and community-post e2e tests. */

export const OBJECT_ID = /^[0-9a-f]{24}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A well-formed id that names nothing. */
export const MISSING_ID = 'a1b2c3d4e5f6a1b2c3d4e5f6';

/**
 * These files make hundreds of requests (concurrency rounds); the global bucket would refuse
 * them. Round trips are recorded, so the driver must report its commands.
 */
export const ENGAGEMENT_ENV: Record<string, string> = {
  RATE_LIMIT_GLOBAL: '1000000',
  DB_MONITOR_COMMANDS: 'true',
};

export const PAGINATION_KEYS = [
  'docs',
  'totalDocs',
  'limit',
  'page',
  'totalPages',
  'pagingCounter',
  'hasPrevPage',
  'hasNextPage',
  'prevPage',
  'nextPage',
];
export const OWNER_LITE_KEYS = ['_id', 'username', 'name', 'profileImage'];
export const POST_KEYS = [
  '_id',
  'owner',
  'content',
  'likesCount',
  'isLiked',
  'createdAt',
  'updatedAt',
];
export const VIDEO_CARD_KEYS = [
  '_id',
  'owner',
  'title',
  'description',
  'duration',
  'views',
  'likesCount',
  'isLiked',
  'isPublished',
  'videoFile',
  'thumbnail',
  'createdAt',
  'updatedAt',
];

export function api(t: TestApp): ReturnType<typeof request> {
  return request(t.app.getHttpServer());
}

/** The error body of contract §1.4 with the exact status, code and message. */
export function expectError(res: Response, status: number, code: string, message: string): void {
  expect({ status: res.status, code: res.body?.code, message: res.body?.message }).toEqual({
    status,
    code,
    message,
  });
  expect(res.body).toMatchObject({ statusCode: status, success: false });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

/** The success envelope of contract §1.3 with the exact status and message. */
export function expectSuccess(res: Response, status: number, message: string): void {
  expect({ status: res.status, message: res.body?.message }).toEqual({ status, message });
  expect(res.body).toMatchObject({ statusCode: status, success: true });
  expect(Object.keys(res.body).sort()).toEqual(['data', 'message', 'statusCode', 'success']);
}

/** Comment (§1.12): every key in order, exactly one parent key, the contract's types. */
export function expectCommentShape(
  comment: Record<string, unknown>,
  parent: 'video' | 'communityPost',
): void {
  expect(Object.keys(comment)).toEqual([
    '_id',
    'content',
    parent,
    'owner',
    'likesCount',
    'isLiked',
    'createdAt',
    'updatedAt',
  ]);
  expect(comment._id).toMatch(OBJECT_ID);
  expect(comment[parent]).toMatch(OBJECT_ID);
  expect(Object.keys(comment.owner as object)).toEqual(OWNER_LITE_KEYS);
  expect(Number.isInteger(comment.likesCount)).toBe(true);
  expect(typeof comment.isLiked).toBe('boolean');
  expect(comment.createdAt).toMatch(ISO_DATE);
  expect(comment.updatedAt).toMatch(ISO_DATE);
}

/** Post (§1.12): every key in order with the contract's types. */
export function expectPostShape(post: Record<string, unknown>): void {
  expect(Object.keys(post)).toEqual(POST_KEYS);
  expect(post._id).toMatch(OBJECT_ID);
  expect(Object.keys(post.owner as object)).toEqual(OWNER_LITE_KEYS);
  expect(typeof post.content).toBe('string');
  expect(Number.isInteger(post.likesCount)).toBe(true);
  expect(typeof post.isLiked).toBe('boolean');
  expect(post.createdAt).toMatch(ISO_DATE);
  expect(post.updatedAt).toMatch(ISO_DATE);
}

/** The driver commands one request issues (the app runs with DB_MONITOR_COMMANDS=true). */
export async function commandsOf(
  t: TestApp,
  send: () => Promise<Response>,
): Promise<{ res: Response; names: string[] }> {
  const log = recordCommands(t.connection);
  try {
    const res = await send();
    return { res, names: [...log.names] };
  } finally {
    log.stop();
  }
}

/** Authentication of a signed-in request reads the session and the user: 2 commands (§1.7). */
export const AUTH_ROUND_TRIPS = 2;

/** The `_id`s of a list payload (`docs` of a page, or a plain array), in order. */
export function idsOf(items: unknown): string[] {
  return (items as { _id: string }[]).map((item) => item._id);
}
