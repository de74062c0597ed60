import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * True when the request is a `HEAD`. Express answers HEAD with the GET handler, and a HEAD must
 * have no side effects (docs/api.md#paths: no view counted, no history written), so the watch page
 * needs to know.
 */
export const IsHeadRequest = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): boolean =>
    ctx.switchToHttp().getRequest<Request>().method === 'HEAD',
);
