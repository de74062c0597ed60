import { Injectable } from '@nestjs/common';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { type LogoutCredentials, SessionsService } from 'src/modules/auth/sessions.service';
import { AccountsService } from 'src/modules/users/accounts.service';
import type { ChangePasswordDto } from 'src/modules/users/dto/change-password.dto';
import type { LoginDto } from 'src/modules/users/dto/login.dto';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { ResetPasswordDto } from 'src/modules/users/dto/reset-password.dto';
import { UsersService } from 'src/modules/users/users.service';

/**
 * The auth flows that start, renew or end sessions. The account side of each (password
 * checks, codes) is the users module's `AccountsService`; this adds the sessions and records the
 * cookies to write in the handler's jar.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  /** `POST /auth/login`: the credentials, then a new session in both cookies; answers with Me. */
  async login(dto: LoginDto, client: ClientContext, cookies: AuthCookieJar): Promise<MeResponse> {
    const account = await this.accounts.checkLogin(dto, client.ip);
    cookies.signIn(await this.sessions.open(account.userId, client));
    return account.me;
  }

  /**
   * `POST /auth/refresh-token`: both cookies on rotation, the access cookie alone in the grace
   * case, both cleared on any failure.
   */
  async refresh(
    refreshToken: string | undefined,
    client: ClientContext,
    cookies: AuthCookieJar,
  ): Promise<void> {
    try {
      const outcome = await this.sessions.refresh(refreshToken, client);
      if (outcome.kind === 'rotated') cookies.signIn(outcome.tokens);
      else cookies.renewAccess(outcome.accessToken);
    } catch (error) {
      if (isUnauthorized(error)) cookies.clear();
      throw error;
    }
  }

  /** `POST /auth/reset-password`: success signs the user out everywhere. */
  async resetPassword(dto: ResetPasswordDto, cookies: AuthCookieJar): Promise<void> {
    const userId = await this.accounts.resetPassword(dto);
    await this.sessions.revokeAll(userId, 'password_reset');
    cookies.clear();
  }

  me(userId: string): Promise<MeResponse> {
    return this.users.getMe(userId);
  }

  /** `POST /auth/change-password`: the new password, then every other session of the user ends. */
  async changePassword(
    principal: AuthPrincipal,
    dto: ChangePasswordDto,
    client: ClientContext,
  ): Promise<void> {
    await this.accounts.changePassword(principal.userId, dto, client.ip);
    await this.sessions.revokeOthers(principal.userId, principal.sessionId);
  }

  /**
   * `DELETE /auth/sessions/:sessionId`: ends one of the caller's sessions; ending the current one
   * is a logout (both cookies cleared).
   */
  async revokeSession(
    principal: AuthPrincipal,
    sessionId: string,
    cookies: AuthCookieJar,
  ): Promise<void> {
    const { current } = await this.sessions.revokeOwn(principal, sessionId);
    if (current) cookies.clear();
  }

  /** `POST /auth/logout`: both cookies are cleared, even when no live session was named (401). */
  async logout(credentials: LogoutCredentials, cookies: AuthCookieJar): Promise<void> {
    try {
      await this.sessions.logout(credentials);
    } catch (error) {
      if (isUnauthorized(error)) cookies.clear();
      throw error;
    }
    cookies.clear();
  }
}

function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof AppException &&
    (error.code === ErrorCode.UNAUTHORIZED || error.code === ErrorCode.INVALID_REFRESH_TOKEN)
  );
}
