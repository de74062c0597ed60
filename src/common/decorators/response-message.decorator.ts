import { SetMetadata } from '@nestjs/common';

export const RESPONSE_MESSAGE_KEY = 'dancely:response-message';
export const RAW_RESPONSE_KEY = 'dancely:raw-response';

/** The envelope `message` of a route whose message never varies. */
export const ResponseMessage = (message: string): MethodDecorator =>
  SetMetadata(RESPONSE_MESSAGE_KEY, message);

/** Routes outside the envelope (health, media). */
export const RawResponse = (): MethodDecorator & ClassDecorator =>
  SetMetadata(RAW_RESPONSE_KEY, true);

/** Returned by a handler whose message depends on the outcome (e.g. liked / unliked). */
export class ApiResult<T> {
  constructor(
    readonly message: string,
    readonly data: T,
  ) {}
}
