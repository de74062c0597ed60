import { Controller, Delete, Get, Param, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { AuthCookies } from 'src/modules/auth/auth-cookies.decorator';
import { AuthCookiesInterceptor } from 'src/modules/auth/auth-cookies.interceptor';
import type { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { AuthErrors } from 'src/modules/auth/auth.errors';
import { AuthMessages } from 'src/modules/auth/auth.messages';
import { AuthService } from 'src/modules/auth/auth.service';
import { RevokedSessionsResponse, SessionResponse } from 'src/modules/auth/dto/session.response';
import { SessionsService } from 'src/modules/auth/sessions.service';

/**
 * `/auth/sessions` (docs/api.md#sessions): the caller's sessions, one per login: list them, end
 * one, end all the others. Ending the current session this way is a logout: both cookies are
 * cleared (`AuthCookiesInterceptor`). `:sessionId` is checked by the id interceptor, in its own
 * format (OPAQUE_ID_PARAMS).
 */
@ApiTags('Auth')
@Controller('auth/sessions')
@UseInterceptors(AuthCookiesInterceptor)
export class SessionsController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @RequiredAuth()
  @Get()
  @Endpoint({ message: AuthMessages.sessionsListed, data: [SessionResponse] })
  list(@CurrentUser() user: AuthPrincipal): Promise<SessionResponse[]> {
    return this.sessions.list(user);
  }

  @RequiredAuth()
  @Delete()
  @Endpoint({ message: AuthMessages.otherSessionsRevoked, data: RevokedSessionsResponse })
  revokeOthers(@CurrentUser() user: AuthPrincipal): Promise<RevokedSessionsResponse> {
    return this.sessions.revokeOthersOf(user);
  }

  @RequiredAuth()
  @Delete(':sessionId')
  @Endpoint({
    message: AuthMessages.sessionRevoked,
    data: null,
    errors: [AuthErrors.sessionNotFound],
  })
  revoke(
    @Param('sessionId') sessionId: string,
    @CurrentUser() user: AuthPrincipal,
    @AuthCookies() cookies: AuthCookieJar,
  ): Promise<void> {
    return this.auth.revokeSession(user, sessionId, cookies);
  }
}
