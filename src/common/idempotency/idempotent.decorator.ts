import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
} from 'src/common/idempotency/idempotency.constant';
import { IdempotencyErrors } from 'src/common/idempotency/idempotency.errors';
import { IdempotencyInterceptor } from 'src/common/idempotency/idempotency.interceptor';
import {
  IDEMPOTENCY_EXTENSION,
  plainDefinition,
} from 'src/common/swagger/openapi-extensions.constant';

/**
 * A creating route that honours `Idempotency-Key` (docs/api.md#idempotency-key;
 * IdempotencyInterceptor says how). On an upload route it must be declared above `@MultipartUpload()`: decorators apply
 * bottom-up, so it then runs after the upload interceptor and sees the received files.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes a retry safe: the same key with the same request within 24 h answers the first success again (with `Idempotent-Replayed: true`) instead of creating a second resource. 1–128 visible ASCII characters, unique per request (a UUID).',
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
        pattern: IDEMPOTENCY_KEY_PATTERN,
      },
    }),
    ApiExtension(IDEMPOTENCY_EXTENSION, Object.values(IdempotencyErrors).map(plainDefinition)),
  );
}
