/** The request header (draft-ietf-httpapi-idempotency-key-header) and the replay marker. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–128 visible ASCII characters (0x21–0x7E): no spaces, no control characters. */
export const IDEMPOTENCY_KEY_PATTERN = '^[!-~]{1,128}$';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;

/** How long a completed key answers with its stored response. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a key stays claimed by a request that has not finished. A request that fails gives
 * its key back at once; this bound only frees a key whose request never finished (the process
 * died). It must exceed the longest request (an upload to the media provider), or a retry could
 * run beside a live first attempt.
 */
export const IDEMPOTENCY_PENDING_LEASE_MS = 5 * 60 * 1000;

/** Sent with 409 IDEMPOTENCY_KEY_IN_PROGRESS: seconds before a retry is worth it. */
export const IDEMPOTENCY_RETRY_AFTER_SECONDS = 1;
