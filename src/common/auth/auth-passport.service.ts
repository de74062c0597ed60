import { Injectable } from '@nestjs/common';
import passport from 'passport';

/**
 * The passport strategies that read an access token, in the order the guard runs them
 * (docs/api.md#credentials): the `Authorization: Bearer` header first, then the `accessToken`
 * cookie. Passport runs the second only when the first fails, which is exactly "the header is
 * tried first, then the cookie". They are registered by the auth module.
 */
export const ACCESS_TOKEN_STRATEGIES = ['jwt', 'jwt-cookie'] as const;

/**
 * This application's own passport, on which the access-token strategies register and through
 * which the global `AuthGuard` runs them. Passport's default export is one registry per process:
 * a second application in the same process (the tests boot several, each on its own database)
 * would replace the first one's strategies, and with them its secret and its database.
 */
@Injectable()
export class AuthPassportService extends passport.Authenticator {}
