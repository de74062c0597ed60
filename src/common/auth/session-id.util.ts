/**
 * A session id as `TokenService.newSessionId` mints it: 16 random bytes in base64url, 22
 * characters. Sessions are named by it in the access token (`sid`), the refresh token and the
 * `:sessionId` path parameter, which is therefore not an ObjectId (docs/api.md#sessions).
 */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';

const SESSION_ID = new RegExp(SESSION_ID_PATTERN);

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}
