/**
 * Usernames that would collide with literal `/user/...` routes or impersonate the service
 * (docs/api.md#field-rules).
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'search',
  'history',
  'name',
  'email',
  'bio',
  'profileimage',
  'me',
  'admin',
  'api',
  'root',
  'support',
  'dancely',
  'null',
  'undefined',
]);

/** The shared username rule after trimming and lowercasing, reserved words excluded. */
export const USERNAME_PATTERN = /^[a-z0-9_]{3,30}$/;

export function isValidUsername(value: string): boolean {
  return USERNAME_PATTERN.test(value) && !RESERVED_USERNAMES.has(value);
}

/** The avatar every new or re-registered account starts with. */
export function defaultAvatarUrl(name: string): string {
  return `https://ui-avatars.com/api/?name=${encodeURIComponent(name)}&background=random`;
}
