import { strongEtag } from 'src/common/http/entity-tag.util';

/** The success envelope (docs/api.md#envelope): every 2xx body under /api/v1. */
export interface SuccessEnvelope<T> {
  statusCode: number;
  message: string;
  data: T | null;
  success: true;
}

/**
 * The envelope, keys in contract order. Its `JSON.stringify` is the exact body sent (`res.json`
 * adds nothing), which is what an ETag covers.
 */
export function successEnvelope<T>(
  statusCode: number,
  message: string,
  data: T | null | undefined,
): SuccessEnvelope<T> {
  return { statusCode, message, data: data ?? null, success: true };
}

/** Route metadata: the success answer's `data` is an `ITEM` representation; its ETag is sent with it. */
export const DATA_ETAG_KEY = 'dancely:data-etag';

/**
 * A representation of a resource for the caller, serialised exactly as the API sends it, so its
 * tag is one the client already holds (docs/api.md#caching):
 *
 * - `getBody(message)`: the whole body of the resource's own `GET` (the envelope with that
 *   message), for resources that have one (videos, playlists): the tag is that GET's `ETag`.
 * - `ITEM`: the item object alone, as the lists (and the write's own answer) show it, for
 *   resources without a GET of their own (comments, posts): the tag is `itemEtag(item)`.
 */
export interface Representation<T> {
  readonly kind: 'get-body' | 'item';
  serialise(current: T): string;
}

export function getBody<T>(message: string): Representation<T> {
  return {
    kind: 'get-body',
    serialise: (current) => JSON.stringify(successEnvelope(200, message, current)),
  };
}

export const ITEM: Representation<unknown> = {
  kind: 'item',
  serialise: (current) => JSON.stringify(current),
};

/** The strong tag of one item as it is sent inside a list or as a `data`. */
export function itemEtag(item: unknown): string {
  return strongEtag(ITEM.serialise(item));
}
