import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** The sort key a keyset page continues after: a date, a number or a string. */
export type CursorKey = Date | number | string;

/** The position a cursor names: the last item's sort key and `_id` (24 hex). */
export interface CursorPosition<K extends CursorKey = CursorKey> {
  key: K;
  id: string;
  /** What a numbered-shape cursor page carries from page to page instead of counting again. */
  carry?: CursorCarry;
}

/**
 * The walk so far, for the lists that answer the paginated object on cursor pages
 * (docs/api.md#cursor-pages): the total the walk's first page counted, and how many items the
 * walk has delivered before the position.
 */
export interface CursorCarry {
  total: number;
  served: number;
}

const KIND = { date: 'd', number: 'n', string: 's' } as const;
type KeyKind = keyof typeof KIND;
type KeyOf<T extends KeyKind> = T extends 'date' ? Date : T extends 'number' ? number : string;

interface CursorPayload {
  /** The list the cursor belongs to, e.g. `replies:<commentId>:asc`. */
  l: string;
  /** Type of the key: d(ate), n(umber), s(tring). */
  t: 'd' | 'n' | 's';
  k: string | number;
  i: string;
  /** The carried walk, `[total, served]`, on the lists that keep the paginated object. */
  c?: [number, number];
  /** Expiry, in seconds since the epoch. */
  x: number;
}

const MAC_BYTES = 16;
/**
 * How long a cursor stays valid: a reader may leave a page open for a day and still scroll on;
 * after that the position is stale anyway and the client starts again from the first page.
 */
export const CURSOR_TTL_SECONDS = 24 * 60 * 60;
const MAX_CURSOR_LENGTH = 512;
const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * Opaque keyset cursors (docs/api.md, "Cursor pages"): base64url of the list name, the last
 * item's sort key and `_id`, followed by an HMAC-SHA-256 tag with a key derived from the access
 * token secret. A cursor that was forged, altered, truncated, expired (`CURSOR_TTL_SECONDS`), or
 * issued for another list (another parent, sort order or user) fails the check and is answered 400 INVALID_CURSOR, never reaches a
 * query. Secrets rotate with the access secret: old cursors then fail the same way and the client
 * starts again from the first page.
 */
@Injectable()
export class CursorCodecService {
  private readonly key: Buffer;

  constructor(@InjectConfig() config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.auth.accessSecret, 'dancely', 'keyset-cursor/v1', 32),
    );
  }

  encode(list: string, position: CursorPosition): string {
    const payload: CursorPayload = {
      l: list,
      ...encodeKey(position.key),
      i: position.id,
      x: nowSeconds() + CURSOR_TTL_SECONDS,
    };
    if (position.carry) payload.c = [position.carry.total, position.carry.served];
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.tag(body)}`;
  }

  /**
   * The position in `list` the cursor names, whose sort key is of `kind`; 400 INVALID_CURSOR
   * for anything else.
   */
  decode<T extends KeyKind>(list: string, cursor: string, kind: T): CursorPosition<KeyOf<T>> {
    if (cursor.length > MAX_CURSOR_LENGTH) throw PaginationErrors.invalidCursor();
    const [body, tag, extra] = cursor.split('.');
    if (!body || !tag || extra !== undefined) throw PaginationErrors.invalidCursor();
    const expected = Buffer.from(this.tag(body), 'base64url');
    const given = Buffer.from(tag, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw PaginationErrors.invalidCursor();
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw PaginationErrors.invalidCursor();
    }
    if (!isPayload(payload) || payload.l !== list || payload.t !== KIND[kind])
      throw PaginationErrors.invalidCursor();
    if (payload.x < nowSeconds()) throw PaginationErrors.invalidCursor();
    const position: CursorPosition<KeyOf<T>> = {
      key: decodeKey(payload) as KeyOf<T>,
      id: payload.i,
    };
    if (payload.c) position.carry = { total: payload.c[0], served: payload.c[1] };
    return position;
  }

  private tag(body: string): string {
    return createHmac('sha256', this.key)
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES)
      .toString('base64url');
  }
}

function encodeKey(key: CursorKey): Pick<CursorPayload, 't' | 'k'> {
  if (key instanceof Date) return { t: 'd', k: key.getTime() };
  if (typeof key === 'number') return { t: 'n', k: key };
  return { t: 's', k: key };
}

function decodeKey(payload: CursorPayload): CursorKey {
  if (payload.t === 'd') return new Date(payload.k);
  return payload.k;
}

function isPayload(value: unknown): value is CursorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  if (typeof p.l !== 'string' || typeof p.i !== 'string' || !OBJECT_ID.test(p.i)) return false;
  if (p.c !== undefined && !isCarry(p.c)) return false;
  if (typeof p.x !== 'number' || !Number.isSafeInteger(p.x)) return false;
  if (p.t === 'd' || p.t === 'n') return typeof p.k === 'number' && Number.isFinite(p.k);
  return p.t === 's' && typeof p.k === 'string';
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isCarry(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
  );
}
