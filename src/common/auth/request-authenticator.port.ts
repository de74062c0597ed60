import type { AuthOutcome, RequestCredentials } from 'src/common/auth/auth-principal.type';

/**
 * Implemented by the auth module: checks the access token, its session and its user on every
 * request (no cache outliving a request, so revocation is immediate).
 */
export abstract class RequestAuthenticator {
  abstract authenticate(credentials: RequestCredentials): Promise<AuthOutcome>;
}
