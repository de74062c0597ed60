import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The signed-in caller on a required route. Throws 401 if used where nobody is signed in. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthPrincipal => {
    const principal = ctx.switchToHttp().getRequest<Request>().principal;
    if (!principal) throw new AppException(ErrorCode.UNAUTHORIZED);
    return principal;
  },
);

/** The caller on an optional route: the principal, or null for anonymous callers. */
export const CurrentViewer = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthPrincipal | null =>
    ctx.switchToHttp().getRequest<Request>().principal ?? null,
);
