import { SetMetadata } from '@nestjs/common';

export const RAW_RESPONSE_KEY = 'dancely:raw-response';

/** Routes outside the envelope (health, media). */
export const RawResponse = (): MethodDecorator & ClassDecorator =>
  SetMetadata(RAW_RESPONSE_KEY, true);

/**
 * Returned by a handler whose message depends on the outcome (e.g. liked / unliked); the route's
 * `@Endpoint()` lists every message it may carry.
 */
export class ApiResult<T> {
  constructor(
    readonly message: string,
    readonly data: T,
  ) {}
}
