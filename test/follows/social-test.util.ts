/**
 * Shared by the follows, playlists and dashboard e2e tests; the wire basics live in
 * test/utils/contract.
 */
export {
  api,
  expectError,
  expectSuccess,
  ISO_DATE,
  MISSING_ID,
  OBJECT_ID,
  CURSOR_PAGINATION_KEYS,
  PAGINATION_KEYS,
} from 'test/utils/contract';

export const API = '/api/v1';

/** Buckets high enough that a test file never trips them. */
export const RELAXED_LIMITS: Record<string, string> = { RATE_LIMIT_GLOBAL: '1000000' };
