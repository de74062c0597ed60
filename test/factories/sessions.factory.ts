import { Types } from 'mongoose';
import { TokenService } from 'src/modules/auth/token.service';
import type { TestApp } from 'test/utils/test-app';

export interface SignedInProbe {
  token: string;
  userId: string;
  sessionId: string;
}

/**
 * A verified user and a live session written straight into the database, with an access token
 * for it: for tests of the pipeline itself, where going through registration would add
 * requests (and database commands) of its own.
 */
export async function insertSignedInUser(t: TestApp): Promise<SignedInProbe> {
  const userId = new Types.ObjectId();
  const sessionId = t.app.get(TokenService).newSessionId();
  const now = new Date();
  await t.connection.collection('users').insertOne({
    _id: userId,
    username: `u${userId.toHexString().slice(-8)}`,
    email: `${userId.toHexString()}@example.test`,
    name: 'Probe',
    password: 'x',
    profileImage: 'https://ui-avatars.com/api/?name=Probe',
    isVerified: true,
    createdAt: now,
    updatedAt: now,
  });
  await t.connection.collection<{ _id: string } & Record<string, unknown>>('sessions').insertOne({
    _id: sessionId,
    user: userId,
    tokenHash: 'h',
    expiresAt: new Date(Date.now() + 3600_000),
    revokedAt: null,
    lastUsedAt: now,
  });
  const token = await t.app.get(TokenService).signAccessToken(userId.toHexString(), sessionId);
  return { token, userId: userId.toHexString(), sessionId };
}
