import { readdir } from 'node:fs/promises';
import request from 'supertest';
import { ISO_DATE, OBJECT_ID, OWNER_LITE_KEYS, VIDEO_CARD_KEYS } from 'test/utils/contract';
import type { TestApp } from 'test/utils/test-app';

export { expectSuccess, OWNER_LITE_KEYS, VIDEO_CARD_KEYS } from 'test/utils/contract';

export type Api = ReturnType<typeof request>;

export function api(t: TestApp): Api {
  return request(t.app.getHttpServer());
}

/** The error body (docs/api.md#error-body), with the exact code and message. */
export function expectError(
  res: request.Response,
  status: number,
  code: string,
  message?: string,
): void {
  expect({ status: res.status, code: res.body?.code, message: res.body?.message }).toEqual({
    status,
    code,
    message: message ?? res.body?.message,
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ statusCode: status, success: false });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

/** The `_id`s of a paginated answer's docs, in order. */
export function docIds(res: request.Response): string[] {
  return (res.body as { data: { docs: { _id: string }[] } }).data.docs.map((doc) => doc._id);
}

/** Every field of a VideoCard, in order, with its documented types. */
export function expectVideoCard(card: Record<string, unknown>, extraKeys: string[] = []): void {
  expect(Object.keys(card)).toEqual([...VIDEO_CARD_KEYS, ...extraKeys]);
  expect(card._id).toMatch(OBJECT_ID);
  const owner = card.owner as Record<string, unknown>;
  expect(Object.keys(owner).slice(0, 4)).toEqual(OWNER_LITE_KEYS);
  expect(owner._id).toMatch(OBJECT_ID);
  expect(typeof card.title).toBe('string');
  expect(typeof card.description).toBe('string');
  expect(typeof card.duration).toBe('number');
  expect(Number.isInteger(card.views)).toBe(true);
  expect(Number.isInteger(card.likesCount)).toBe(true);
  expect(typeof card.isLiked).toBe('boolean');
  expect(typeof card.isPublished).toBe('boolean');
  expect(Object.keys(card.videoFile as object)).toEqual(['url', 'hlsUrl']);
  expect(Object.keys(card.thumbnail as object)).toEqual(['url']);
  expect(card.createdAt).toMatch(ISO_DATE);
  expect(card.updatedAt).toMatch(ISO_DATE);
  if (card.processing !== null)
    expect(Object.keys(card.processing as object)).toEqual(['state', 'progress', 'error']);
}

/** No storage key, public_id or `__v` anywhere in a payload. */
export function expectNoInternalFields(payload: unknown): void {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (['key', 'public_id', 'publicId', '__v', 'viewerKey'].includes(key))
          found.push(`${path}.${key}`);
        walk(inner, `${path}.${key}`);
      }
    }
  };
  walk(payload, '$');
  expect(found).toEqual([]);
}

/** Files left in a directory (a missing directory holds none). */
export async function filesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * The upload temp directory is emptied when the response ends; removal waits for the parser
 * to close its files, so it may land a moment after the client got the answer.
 */
export async function expectEmptyEventually(dir: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = await filesIn(dir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    left = await filesIn(dir);
  }
  expect(left).toEqual([]);
}

/** A supertest parser that reads the body as text (supertest buffers unknown types, e.g. playlists, as binary). */
export function textParser(
  res: request.Response,
  callback: (error: Error | null, body: string) => void,
): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (body += chunk));
  stream.on('end', () => callback(null, body));
}
