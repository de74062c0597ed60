import { randomBytes } from 'node:crypto';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { SessionsService } from 'src/modules/auth/sessions.service';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import { User } from 'src/modules/users/schemas/user.schema';
import { defaultAvatarUrl } from 'src/modules/users/users.constant';
import type { TestApp } from 'test/utils/test-app';

export interface UserOverrides {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
  bio?: string;
}

export interface TestAccount {
  id: string;
  username: string;
  email: string;
  name: string;
  password: string;
}

/** A signed-in user: the tokens of one live session, ready for supertest. */
export interface TestUser extends TestAccount {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** For `.set('Cookie', user.cookies)`: both auth cookies. */
  cookies: string[];
  /** For `.set('Authorization', user.authHeader)`. */
  authHeader: string;
}

export interface TestSession {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  cookies: string[];
  authHeader: string;
}

export const DEFAULT_TEST_PASSWORD = 'dance floor 42';

function unique(): string {
  return randomBytes(5).toString('hex');
}

async function insertAccount(
  t: TestApp,
  isVerified: boolean,
  overrides: UserOverrides,
): Promise<TestAccount> {
  const suffix = unique();
  const account = {
    username: overrides.username ?? `user_${suffix}`,
    email: overrides.email ?? `user_${suffix}@example.test`,
    name: overrides.name ?? `User ${suffix}`,
    password: overrides.password ?? DEFAULT_TEST_PASSWORD,
  };
  const users = t.app.get<Model<User>>(getModelToken(User.name));
  const created = await users.create({
    username: account.username,
    email: account.email,
    name: account.name,
    bio: overrides.bio ?? '',
    password: await t.app.get(PasswordHasherService).hash(account.password),
    profileImage: defaultAvatarUrl(account.name),
    profileImageKey: null,
    isVerified,
    lastRegisteredAt: new Date(),
  });
  return { id: created._id.toHexString(), ...account };
}

/**
 * A new session for an existing verified user, through the same code path as a login
 * (SessionsService.open), without HTTP and therefore without the login rate limits.
 */
export async function signIn(t: TestApp, user: Pick<TestAccount, 'id'>): Promise<TestSession> {
  const tokens = await t.app
    .get(SessionsService)
    .open(user.id, { ip: '127.0.0.1', userAgent: 'test-factory' });
  const sessionId = tokens.refreshToken.split('.')[0];
  return {
    sessionId,
    ...tokens,
    cookies: [`accessToken=${tokens.accessToken}`, `refreshToken=${tokens.refreshToken}`],
    authHeader: `Bearer ${tokens.accessToken}`,
  };
}

/**
 * A verified, signed-in user. Stored directly (hash made by the app's PasswordHasherService), so
 * tests can create many users without hitting the register, login or email-send buckets.
 */
export async function createVerifiedUser(
  t: TestApp,
  overrides: UserOverrides = {},
): Promise<TestUser> {
  const account = await insertAccount(t, true, overrides);
  return { ...account, ...(await signIn(t, account)) };
}

/** Several verified, signed-in users at once. */
export function createVerifiedUsers(t: TestApp, count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => createVerifiedUser(t)));
}

/** A pending (unverified) account, as registration leaves it; it cannot sign in and is visible nowhere. */
export function createPendingUser(t: TestApp, overrides: UserOverrides = {}): Promise<TestAccount> {
  return insertAccount(t, false, overrides);
}
