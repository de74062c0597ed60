import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { IDEMPOTENCY_RETRY_AFTER_SECONDS } from 'src/common/idempotency/idempotency.constant';

/**
 * The failures an `Idempotency-Key` adds to its route (docs/api.md#idempotency-key); their texts
 * are the codes' default messages.
 */
export const IdempotencyErrors = {
  invalidKey: defineError(ErrorCode.INVALID_IDEMPOTENCY_KEY),
  inProgress: defineError(ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS, undefined, {
    headers: { 'Retry-After': String(IDEMPOTENCY_RETRY_AFTER_SECONDS) },
  }),
  reused: defineError(ErrorCode.IDEMPOTENCY_KEY_REUSED),
} as const;
