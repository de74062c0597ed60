import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { accessCredentials } from 'src/common/auth/credentials.util';
import { RequestAuthenticator } from 'src/common/auth/request-authenticator.port';
import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * Deny by default (contract §1.7): a route without a declared mode is treated as `required`.
 * The guard only reads; it never writes sessions or counters.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  /** The route's declared mode, read once per route; undeclared means required. */
  private readonly modeOf = perRoute(
    (handler, controller) =>
      this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, [
        handler,
        controller,
      ]) ?? AuthMode.Required,
  );

  /** Modes that need no credentials answer synchronously; the others look the caller up. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const mode = this.modeOf(context);
    const req = context.switchToHttp().getRequest<Request>();
    req.principal = null;
    if (
      mode === AuthMode.Public ||
      mode === AuthMode.RefreshToken ||
      mode === AuthMode.RelaxedRequired
    ) {
      return true;
    }
    return this.authenticate(mode, req);
  }

  private async authenticate(
    mode: AuthMode.Guest | AuthMode.Optional | AuthMode.Required,
    req: Request,
  ): Promise<boolean> {
    switch (mode) {
      case AuthMode.Guest: {
        const outcome = await this.authenticator.authenticate(accessCredentials(req));
        if (outcome.kind === 'authenticated') throw new AppException(ErrorCode.ALREADY_LOGGED_IN);
        return true;
      }
      case AuthMode.Optional:
      case AuthMode.Required: {
        const outcome = await this.authenticator.authenticate(accessCredentials(req));
        if (outcome.kind === 'authenticated') {
          req.principal = outcome.principal;
          return true;
        }
        if (outcome.kind === 'rejected') {
          throw new AppException(
            outcome.expired ? ErrorCode.ACCESS_TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED,
          );
        }
        if (mode === AuthMode.Required) throw new AppException(ErrorCode.UNAUTHORIZED);
        return true;
      }
    }
  }
}
