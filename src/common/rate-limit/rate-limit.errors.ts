import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** Refusals of the rate limits; the headers come from the bucket that refused. */
export const RateLimitErrors = {
  /** A bucket of the rate-limit guard (or the docs' middleware), with the code's default message. */
  tooManyRequests: defineError(
    ErrorCode.RATE_LIMITED,
    undefined,
    (headers: Record<string, string>) => ({ headers }),
  ),
  /** A login-failure bucket (login, change password, change email). */
  tooManyLoginAttempts: defineError(
    ErrorCode.RATE_LIMITED,
    'Too many login attempts, please try again later',
    (headers: Record<string, string>) => ({ headers }),
  ),
} as const;
