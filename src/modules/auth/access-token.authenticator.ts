import { Injectable } from '@nestjs/common';
import type { AuthOutcome, RequestCredentials } from 'src/common/auth/auth-principal.type';
import { RequestAuthenticator } from 'src/common/auth/request-authenticator.port';
import { SessionsRepository } from 'src/modules/auth/sessions.repository';
import { TokenService } from 'src/modules/auth/token.service';
import { UsersService } from 'src/modules/users/users.service';

/**
 * §1.7: the Bearer header first, then the cookie. A token authenticates only with a live session
 * of a verified user, checked on every request (two indexed lookups), so revocation is immediate.
 * Database errors propagate and become 503, never 401.
 */
@Injectable()
export class AccessTokenAuthenticator extends RequestAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
  ) {
    super();
  }

  async authenticate(credentials: RequestCredentials): Promise<AuthOutcome> {
    const candidates = [credentials.bearer, credentials.cookie].filter(
      (token, index, all): token is string => token !== undefined && all.indexOf(token) === index,
    );
    if (candidates.length === 0) return { kind: 'none' };
    let expired = false;
    for (const token of candidates) {
      const verification = await this.tokens.verifyAccessToken(token);
      if (!verification.valid) {
        expired ||= verification.expired;
        continue;
      }
      const { sub, sid } = verification.claims;
      if (!/^[0-9a-f]{24}$/.test(sub) || !this.tokens.isSessionId(sid)) continue;
      const session = await this.sessions.findLive(sid, sub, new Date());
      if (session && (await this.users.isVerified(sub))) {
        return { kind: 'authenticated', principal: { userId: sub, sessionId: sid } };
      }
    }
    return { kind: 'rejected', expired };
  }
}
