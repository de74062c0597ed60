import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * True when the request is a `HEAD`. Express answers HEAD with the GET handler, and a HEAD must
 * have no side effects (contract §1.1: no view counted, no history written), so V4 needs to know.
 */
export const IsHeadRequest = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): boolean =>
    ctx.switchToHttp().getRequest<Request>().method === 'HEAD',
);
