import type { Response } from 'supertest';
import { ISO_DATE, OBJECT_ID, OWNER_LITE_KEYS } from 'test/utils/contract';
import { recordCommands } from 'test/utils/db-commands';
import type { TestApp } from 'test/utils/test-app';

/**
 * Shared by the likes, comments and community-post e2e tests; the wire basics live in
 * test/utils/contract.
 */
export {
  api,
  expectError,
  expectSuccess,
  ISO_DATE,
  MISSING_ID,
  OBJECT_ID,
  OWNER_LITE_KEYS,
  CURSOR_PAGINATION_KEYS,
  PAGINATION_KEYS,
  VIDEO_CARD_KEYS,
} from 'test/utils/contract';

/**
 * These files make hundreds of requests (concurrency rounds); the global bucket would refuse
 * them. Round trips are recorded, so the driver must report its commands.
 */
export const ENGAGEMENT_ENV: Record<string, string> = {
  RATE_LIMIT_GLOBAL: '1000000',
  DB_MONITOR_COMMANDS: 'true',
};

export const POST_KEYS = [
  '_id',
  'owner',
  'content',
  'likesCount',
  'isLiked',
  'createdAt',
  'updatedAt',
];

/** Comment: every key in order, exactly one parent key, the documented types. */
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
    // Threads (additive, after the original fields): a top-level comment.
    'parentId',
    'replyCount',
  ]);
  expect(comment.parentId).toBeNull();
  expect(Number.isInteger(comment.replyCount)).toBe(true);
  expect(comment._id).toMatch(OBJECT_ID);
  expect(comment[parent]).toMatch(OBJECT_ID);
  expect(Object.keys(comment.owner as object)).toEqual(OWNER_LITE_KEYS);
  expect(Number.isInteger(comment.likesCount)).toBe(true);
  expect(typeof comment.isLiked).toBe('boolean');
  expect(comment.createdAt).toMatch(ISO_DATE);
  expect(comment.updatedAt).toMatch(ISO_DATE);
}

/** Post: every key in order with the documented types. */
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

/** Authentication of a signed-in request reads the session and the user: 2 commands. */
export const AUTH_ROUND_TRIPS = 2;

/** The `_id`s of a list payload (`docs` of a page, or a plain array), in order. */
export function idsOf(items: unknown): string[] {
  return (items as { _id: string }[]).map((item) => item._id);
}
