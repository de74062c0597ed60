import request, { type Response } from 'supertest';
import type { TestApp } from 'test/utils/test-app';

/**
 * Wire facts every e2e test checks against (docs/api.md#envelope, #error-body, #paginated-object).
 */

export const OBJECT_ID = /^[0-9a-f]{24}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A well-formed id that names nothing. */
export const MISSING_ID = 'a1b2c3d4e5f6a1b2c3d4e5f6';

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
/** The paginated object of a list with cursor pages (docs/api.md#cursor-pages). */
export const CURSOR_PAGINATION_KEYS = [...PAGINATION_KEYS, 'nextCursor'];
export const OWNER_LITE_KEYS = ['_id', 'username', 'name', 'profileImage'];
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
  // The owner's view of processing (docs/api.md#processing); null for everyone else.
  'processing',
];

export function api(t: TestApp): ReturnType<typeof request> {
  return request(t.app.getHttpServer());
}

/** What `expectError` reads: a supertest response, or a raw one (test/utils/raw-http.ts). */
export interface ResponseLike {
  status: number;
  body: Record<string, unknown> | null;
  headers: Record<string, unknown>;
}

/** The error body (docs/api.md#error-body) with the exact status, code and message. */
export function expectError(
  res: Response | ResponseLike,
  status: number,
  code: string,
  message: string,
): void {
  expect({ status: res.status, code: res.body?.code, message: res.body?.message }).toEqual({
    status,
    code,
    message,
  });
  expect(res.body).toMatchObject({ statusCode: status, success: false });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

/**
 * The success envelope (docs/api.md#envelope) with the exact status and message, and no other key.
 */
export function expectSuccess(res: Response, status: number, message: string): void {
  expect({ status: res.status, message: res.body?.message }).toEqual({ status, message });
  expect(res.body).toMatchObject({ statusCode: status, success: true });
  expect(Object.keys(res.body).sort()).toEqual(['data', 'message', 'statusCode', 'success']);
}
