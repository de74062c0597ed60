import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { AuthOutcome, AuthPrincipal } from 'src/common/auth/auth-principal.type';
import {
  ACCESS_TOKEN_STRATEGIES,
  AuthPassportService,
} from 'src/common/auth/auth-passport.service';
import { accessCredentials } from 'src/common/auth/credentials.util';
import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * Deny by default (docs/api.md#auth-modes): a route without a declared mode is treated as
 * `required`. The mode logic is here; whether the credentials authenticate is decided by the
 * passport strategies of the auth module (`ACCESS_TOKEN_STRATEGIES`), run through this
 * application's `AuthPassportService`. The guard only reads; it never writes sessions or counters.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly passport: AuthPassportService,
  ) {}

  /** The route's declared mode, read once per route; undeclared means required. */
  private readonly modeOf = perRoute(
    (handler, controller) =>
      this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, [
        handler,
        controller,
      ]) ?? AuthMode.Required,
  );

  /** Routes that need no access token, and callers who send none, are answered synchronously. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const mode = this.modeOf(context);
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    req.principal = null;
    if (mode === AuthMode.Public || mode === AuthMode.RefreshToken) return true;
    const { bearer, cookie } = accessCredentials(req);
    if (bearer === undefined && cookie === undefined) {
      if (mode === AuthMode.Required) throw new AppException(ErrorCode.UNAUTHORIZED);
      return true;
    }
    return this.authenticate(mode, req, http.getResponse<Response>());
  }

  private async authenticate(
    mode: Exclude<AuthMode, AuthMode.Public | AuthMode.RefreshToken>,
    req: Request,
    res: Response,
  ): Promise<boolean> {
    const outcome = await this.runStrategies(req, res);
    switch (mode) {
      case AuthMode.Guest:
        if (outcome.kind === 'authenticated') throw new AppException(ErrorCode.ALREADY_LOGGED_IN);
        return true;
      case AuthMode.RelaxedRequired:
        // Logout: a token that authenticates names the session; otherwise the handler looks
        // further (an access token that has only expired, then the refresh token).
        if (outcome.kind === 'authenticated') req.principal = outcome.principal;
        return true;
      case AuthMode.Optional:
      case AuthMode.Required:
        if (outcome.kind === 'authenticated') {
          req.principal = outcome.principal;
          return true;
        }
        throw new AppException(
          outcome.expired ? ErrorCode.ACCESS_TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED,
        );
    }
  }

  /**
   * Passport runs the strategies in order and stops at the first that accepts the request. When
   * none does, `info` holds each one's reason (a single reason for a single strategy); a
   * `TokenExpiredError` among them means a genuine token whose only defect is its expiry, since
   * the signature is checked before the expiry. A strategy error (the database) rejects, and
   * becomes 503 like any other.
   */
  private runStrategies(req: Request, res: Response): Promise<AuthOutcome> {
    return new Promise((resolve, reject) => {
      const run = this.passport.authenticate(
        [...ACCESS_TOKEN_STRATEGIES],
        { session: false },
        (error: Error | null, principal: AuthPrincipal | false | null, info: unknown) => {
          if (error) reject(error);
          else if (principal) resolve({ kind: 'authenticated', principal });
          else resolve({ kind: 'rejected', expired: [info].flat().some(isExpiry) });
        },
      ) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
      run(req, res, reject);
    });
  }
}

function isExpiry(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TokenExpiredError';
}
