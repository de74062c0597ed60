import { createHash } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import type { DomainEvents } from 'src/common/events/domain-events';
import { loadAppConfig } from 'src/config/app-config';
import type {
  LiveSession,
  RefreshableSession,
  SessionsRepository,
} from 'src/modules/auth/sessions.repository';
import { SessionsService } from 'src/modules/auth/sessions.service';
import { TokenService } from 'src/modules/auth/token.service';
import type { UsersService } from 'src/modules/users/users.service';

const config = loadAppConfig({
  NODE_ENV: 'test',
  MAX_SESSIONS_PER_USER: '4',
  REFRESH_REUSE_GRACE_SECONDS: '10',
});
const sha = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const userId = new Types.ObjectId();
const sessionId = 'c2Vzc2lvbi1pZC0xMjM0NQ';
const SECRET = 'S'.repeat(43);
const PREVIOUS = 'P'.repeat(43);
const OLDER = 'Q'.repeat(43);
const token = (secret: string): string => `${sessionId}.${secret}`;
const CLIENT = { ip: '203.0.113.77', userAgent: '  jest/30 (linux)  ' };
/** A live session as authentication finds it, last used `ago` ms before now. */
const live = (ago = 1000): LiveSession => ({
  _id: sessionId,
  user: userId,
  lastUsedAt: new Date(Date.now() - ago),
});

function session(overrides: Partial<RefreshableSession> = {}): RefreshableSession {
  return {
    _id: sessionId,
    user: userId,
    tokenHash: sha(SECRET),
    previousTokenHash: sha(PREVIOUS),
    pastTokenHashes: [sha(OLDER), sha(PREVIOUS)],
    rotatedAt: new Date(Date.now() - 2000),
    expiresAt: new Date(Date.now() + 3600_000),
    revokedAt: null,
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppException))
    throw new Error(`expected an AppException, got ${String(error)}`);
  return error.code;
}

describe('SessionsService', () => {
  let repository: jest.Mocked<
    Pick<
      SessionsRepository,
      | 'create'
      | 'revokeBeyondLimit'
      | 'findRefreshable'
      | 'rotate'
      | 'revoke'
      | 'findLive'
      | 'revokeAllOfUser'
      | 'touch'
      | 'listLive'
      | 'revokeOwn'
    >
  >;
  let users: jest.Mocked<Pick<UsersService, 'isVerified'>>;
  let events: jest.Mocked<Pick<DomainEvents, 'publish'>>;
  let tokens: TokenService;
  let sut: SessionsService;

  beforeEach(() => {
    repository = {
      create: jest.fn(),
      revokeBeyondLimit: jest.fn(),
      findRefreshable: jest.fn(),
      rotate: jest.fn(),
      revoke: jest.fn(),
      findLive: jest.fn(),
      revokeAllOfUser: jest.fn(),
      touch: jest.fn(),
      listLive: jest.fn(),
      revokeOwn: jest.fn(),
    };
    users = { isVerified: jest.fn().mockResolvedValue(true) };
    events = { publish: jest.fn().mockResolvedValue('event-id') };
    tokens = new TokenService(new JwtService(), config);
    sut = new SessionsService(
      repository as unknown as SessionsRepository,
      tokens,
      users as unknown as UsersService,
      config,
      events as unknown as DomainEvents,
    );
  });

  describe('open', () => {
    it('stores only the hash of the secret, enforces the limit and returns both tokens', async () => {
      repository.create.mockResolvedValue();
      repository.revokeBeyondLimit.mockResolvedValue(0);
      const result = await sut.open(userId.toHexString(), { ip: '1.2.3.4', userAgent: 'jest' });

      const [id, secret] = result.refreshToken.split('.');
      // 128 random bits, never an ObjectId (predictable from ids made around the same time).
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
      const stored = repository.create.mock.calls[0][0];
      expect(stored).toMatchObject({
        _id: id,
        userId: userId.toHexString(),
        tokenHash: sha(secret),
        ipHint: '1.2.3.0/24',
        userAgent: 'jest',
      });
      // Never the full address.
      expect(JSON.stringify(stored)).not.toContain('1.2.3.4');
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(stored.expiresAt.getTime() - stored.lastUsedAt.getTime()).toBe(30 * 86400_000);
      expect(repository.revokeBeyondLimit).toHaveBeenCalledWith(
        userId.toHexString(),
        4,
        expect.any(Date),
      );
      const claims = await new JwtService().verifyAsync<Record<string, unknown>>(
        result.accessToken,
        { secret: config.auth.accessSecret, algorithms: ['HS256'] },
      );
      expect(tokens.accessClaims(claims)).toEqual({ sub: userId.toHexString(), sid: id });
    });

    it('gives every session an id of its own', async () => {
      repository.create.mockResolvedValue();
      repository.revokeBeyondLimit.mockResolvedValue(0);
      const ids = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        const { refreshToken } = await sut.open(userId.toHexString(), {
          ip: '1.2.3.4',
          userAgent: 'jest',
        });
        ids.add(refreshToken.split('.')[0]);
      }
      expect(ids.size).toBe(20);
    });
  });

  describe('refresh', () => {
    it('without a token → UNAUTHORIZED; malformed or old-format → INVALID_REFRESH_TOKEN', async () => {
      expect(await codeOf(sut.refresh(undefined, CLIENT))).toBe('UNAUTHORIZED');
      expect(await codeOf(sut.refresh('garbage', CLIENT))).toBe('INVALID_REFRESH_TOKEN');
      const oldFormat = `${new Types.ObjectId().toHexString()}.${SECRET}`;
      expect(await codeOf(sut.refresh(oldFormat, CLIENT))).toBe('INVALID_REFRESH_TOKEN');
      expect(repository.findRefreshable).not.toHaveBeenCalled();
    });

    it.each([
      ['an unknown', null],
      ['a revoked', session({ revokedAt: new Date() })],
      ['an expired', session({ expiresAt: new Date(Date.now() - 1) })],
    ])('%s session → INVALID_REFRESH_TOKEN', async (_label, found) => {
      repository.findRefreshable.mockResolvedValue(found);
      expect(await codeOf(sut.refresh(token(SECRET), CLIENT))).toBe('INVALID_REFRESH_TOKEN');
      expect(repository.rotate).not.toHaveBeenCalled();
    });

    it('a user who is no longer verified → INVALID_REFRESH_TOKEN', async () => {
      repository.findRefreshable.mockResolvedValue(session());
      users.isVerified.mockResolvedValue(false);
      expect(await codeOf(sut.refresh(token(SECRET), CLIENT))).toBe('INVALID_REFRESH_TOKEN');
    });

    it('the current token rotates with one compare-and-set on its hash, recording the client coarsely', async () => {
      repository.findRefreshable.mockResolvedValue(session());
      repository.rotate.mockResolvedValue(true);
      const outcome = await sut.refresh(token(SECRET), CLIENT);
      if (outcome.kind !== 'rotated') throw new Error('expected a rotation');
      const newSecret = outcome.tokens.refreshToken.split('.')[1];
      expect(newSecret).not.toBe(SECRET);
      expect(repository.rotate).toHaveBeenCalledWith(
        sessionId,
        sha(SECRET),
        sha(newSecret),
        expect.any(Date),
        expect.any(Date),
        32,
        { userAgent: 'jest/30 (linux)', ipHint: '203.0.113.0/24' },
      );
    });

    it('losing the compare-and-set to a concurrent refresh falls to the grace case', async () => {
      repository.findRefreshable.mockResolvedValueOnce(session()).mockResolvedValueOnce(
        session({
          tokenHash: sha('N'.repeat(43)),
          previousTokenHash: sha(SECRET),
          rotatedAt: new Date(),
        }),
      );
      repository.rotate.mockResolvedValue(false);
      const outcome = await sut.refresh(token(SECRET), CLIENT);
      expect(outcome.kind).toBe('grace');
      expect(repository.revoke).not.toHaveBeenCalled();
    });

    it('the previous token within the grace window → a new access token, no rotation', async () => {
      repository.findRefreshable.mockResolvedValue(session());
      const outcome = await sut.refresh(token(PREVIOUS), CLIENT);
      expect(outcome.kind).toBe('grace');
      expect(repository.rotate).not.toHaveBeenCalled();
    });

    it('the previous token after the grace window, or an older one it issued → reuse: revoked', async () => {
      repository.revoke.mockResolvedValueOnce(userId.toHexString()).mockResolvedValueOnce(null);
      repository.findRefreshable.mockResolvedValue(
        session({ rotatedAt: new Date(Date.now() - 10_500) }),
      );
      expect(await codeOf(sut.refresh(token(PREVIOUS), CLIENT))).toBe('INVALID_REFRESH_TOKEN');
      repository.findRefreshable.mockResolvedValue(session());
      expect(await codeOf(sut.refresh(token(OLDER), CLIENT))).toBe('INVALID_REFRESH_TOKEN');
      expect(repository.revoke.mock.calls).toEqual([
        [sessionId, 'reuse', expect.any(Date)],
        [sessionId, 'reuse', expect.any(Date)],
      ]);
      // the first revocation ended the session and says so; the second found it ended already
      expect(events.publish.mock.calls).toEqual([
        ['sessions.revoked', { userId: userId.toHexString() }],
      ]);
    });

    it('a secret the session never issued → INVALID_REFRESH_TOKEN, and nothing is revoked', async () => {
      repository.findRefreshable.mockResolvedValue(session());
      expect(await codeOf(sut.refresh(token('O'.repeat(43)), CLIENT))).toBe(
        'INVALID_REFRESH_TOKEN',
      );
      repository.findRefreshable.mockResolvedValue(
        session({ rotatedAt: new Date(Date.now() - 60_000) }),
      );
      expect(await codeOf(sut.refresh(token('O'.repeat(43)), CLIENT))).toBe(
        'INVALID_REFRESH_TOKEN',
      );
      expect(repository.revoke).not.toHaveBeenCalled();
      expect(repository.rotate).not.toHaveBeenCalled();
      expect(events.publish).not.toHaveBeenCalled();
    });
  });

  describe('authenticate (the access-token strategies)', () => {
    const claims = { sub: userId.toHexString(), sid: sessionId, iat: 1, exp: 2 };

    it('a live session of a verified user → the principal, in two lookups by key', async () => {
      repository.findLive.mockResolvedValue(live());
      expect(await sut.authenticate(claims)).toEqual({ userId: userId.toHexString(), sessionId });
      expect(repository.findLive).toHaveBeenCalledWith(
        sessionId,
        userId.toHexString(),
        expect.any(Date),
      );
      expect(users.isVerified).toHaveBeenCalledWith(userId.toHexString());
    });

    it('records a use at most once a minute: a conditional write only when the last is older', async () => {
      repository.findLive.mockResolvedValue(live(59_000));
      await sut.authenticate(claims);
      expect(repository.touch).not.toHaveBeenCalled();

      repository.findLive.mockResolvedValue(live(61_000));
      expect(await sut.authenticate(claims)).toEqual({ userId: userId.toHexString(), sessionId });
      expect(repository.touch).toHaveBeenCalledTimes(1);
      const [id, now, staleBefore] = repository.touch.mock.calls[0];
      expect(id).toBe(sessionId);
      expect(now.getTime() - staleBefore.getTime()).toBe(60_000);
    });

    it('never records a use for a session that does not authenticate', async () => {
      repository.findLive.mockResolvedValue(live(3600_000));
      users.isVerified.mockResolvedValue(false);
      expect(await sut.authenticate(claims)).toBeNull();
      expect(repository.touch).not.toHaveBeenCalled();
    });

    it('a dead session → null, without asking for the user', async () => {
      repository.findLive.mockResolvedValue(null);
      expect(await sut.authenticate(claims)).toBeNull();
      expect(users.isVerified).not.toHaveBeenCalled();
    });

    it('a user who is gone or unverified → null', async () => {
      repository.findLive.mockResolvedValue(live());
      users.isVerified.mockResolvedValue(false);
      expect(await sut.authenticate(claims)).toBeNull();
    });

    it('claims the API never signs → null, without any lookup', async () => {
      for (const payload of [
        { ...claims, sub: 42 },
        { ...claims, sub: userId.toHexString().toUpperCase() },
        { ...claims, sid: 'short' },
        { sub: userId.toHexString() },
        'a string',
      ]) {
        expect(await sut.authenticate(payload)).toBeNull();
      }
      expect(repository.findLive).not.toHaveBeenCalled();
    });

    it('a database error propagates (503), never a quiet null (401)', async () => {
      repository.findLive.mockRejectedValue(new Error('connection lost'));
      await expect(sut.authenticate(claims)).rejects.toThrow('connection lost');
    });
  });

  describe('the session list', () => {
    const principal = { userId: userId.toHexString(), sessionId };

    it('maps live sessions, flags the current one and shows no full address', async () => {
      const other = 'b3RoZXItc2Vzc2lvbi0xMj';
      repository.listLive.mockResolvedValue([
        {
          _id: sessionId,
          createdAt: new Date('2026-01-01T10:00:00.000Z'),
          lastUsedAt: new Date('2026-01-02T10:00:00.000Z'),
          userAgent: 'Firefox',
          ipHint: '198.51.100.0/24',
        },
        {
          // Stored before `ipHint` existed: its legacy address is shown as a hint only.
          _id: other,
          createdAt: new Date('2025-12-01T10:00:00.000Z'),
          lastUsedAt: new Date('2025-12-02T10:00:00.000Z'),
          userAgent: '',
          ipHint: null,
          ip: '2001:db8:abcd:1200::/56',
        },
      ]);
      const listed = await sut.list(principal);
      expect(listed).toEqual([
        {
          _id: sessionId,
          current: true,
          createdAt: '2026-01-01T10:00:00.000Z',
          lastUsedAt: '2026-01-02T10:00:00.000Z',
          userAgent: 'Firefox',
          ipHint: '198.51.100.0/24',
        },
        {
          _id: other,
          current: false,
          createdAt: '2025-12-01T10:00:00.000Z',
          lastUsedAt: '2025-12-02T10:00:00.000Z',
          userAgent: null,
          ipHint: '2001:db8:abcd::/48',
        },
      ]);
      expect(repository.listLive).toHaveBeenCalledWith(userId.toHexString(), expect.any(Date));
    });

    it("revokes one of the caller's sessions, and says whether it was the current one", async () => {
      repository.revokeOwn.mockResolvedValue(true);
      expect(await sut.revokeOwn(principal, sessionId)).toEqual({ current: true });
      expect(await sut.revokeOwn(principal, 'b3RoZXItc2Vzc2lvbi0xMj')).toEqual({ current: false });
      expect(repository.revokeOwn).toHaveBeenCalledWith(
        sessionId,
        userId.toHexString(),
        'revoked_by_user',
        expect.any(Date),
      );
    });

    it('answers a session it could not revoke (unknown, not the caller’s, dead) with 404', async () => {
      repository.revokeOwn.mockResolvedValue(false);
      expect(await codeOf(sut.revokeOwn(principal, sessionId))).toBe('NOT_FOUND');
    });

    it('revokes all but the current session and counts them', async () => {
      repository.revokeAllOfUser.mockResolvedValue(3);
      expect(await sut.revokeOthersOf(principal)).toEqual({ revoked: 3 });
      expect(repository.revokeAllOfUser).toHaveBeenCalledWith(
        userId.toHexString(),
        'revoked_by_user',
        expect.any(Date),
        sessionId,
      );
    });
  });

  describe('logout', () => {
    it("prefers the session of an authenticating access token (the guard's principal)", async () => {
      repository.revoke.mockResolvedValue(userId.toHexString());
      await sut.logout({
        principal: { userId: userId.toHexString(), sessionId },
        access: { bearer: 'a', cookie: undefined },
        refreshToken: token(SECRET),
      });
      expect(repository.revoke).toHaveBeenCalledWith(sessionId, 'logout', expect.any(Date));
      expect(repository.findRefreshable).not.toHaveBeenCalled();
      expect(events.publish).toHaveBeenCalledWith('sessions.revoked', {
        userId: userId.toHexString(),
      });
    });

    it('accepts an access token whose only defect is expiry', async () => {
      const expired = await new JwtService().signAsync(
        {
          sub: userId.toHexString(),
          sid: sessionId,
          exp: Math.floor(Date.now() / 1000) - 5,
        },
        { secret: config.auth.accessSecret, algorithm: 'HS256' },
      );
      repository.findLive.mockResolvedValue(live());
      repository.revoke.mockResolvedValue(userId.toHexString());
      await sut.logout({
        principal: null,
        access: { bearer: undefined, cookie: expired },
        refreshToken: undefined,
      });
      expect(repository.findLive).toHaveBeenCalledWith(
        sessionId,
        userId.toHexString(),
        expect.any(Date),
      );
      expect(repository.revoke).toHaveBeenCalledWith(sessionId, 'logout', expect.any(Date));
    });

    it('ignores an expired token signed with another secret', async () => {
      const forged = await new JwtService().signAsync(
        {
          sub: userId.toHexString(),
          sid: sessionId,
          exp: Math.floor(Date.now() / 1000) - 5,
        },
        { secret: 'another secret of at least thirty-two characters', algorithm: 'HS256' },
      );
      expect(
        await codeOf(
          sut.logout({
            principal: null,
            access: { bearer: forged, cookie: undefined },
            refreshToken: undefined,
          }),
        ),
      ).toBe('UNAUTHORIZED');
      expect(repository.findLive).not.toHaveBeenCalled();
    });

    it('falls back to a known refresh token; an unknown secret names nothing', async () => {
      repository.findRefreshable.mockResolvedValue(session());
      repository.revoke.mockResolvedValue(userId.toHexString());
      await sut.logout({
        principal: null,
        access: { bearer: undefined, cookie: undefined },
        refreshToken: token(PREVIOUS),
      });
      expect(repository.revoke).toHaveBeenCalledTimes(1);
      expect(
        await codeOf(
          sut.logout({
            principal: null,
            access: { bearer: undefined, cookie: undefined },
            refreshToken: token('X'.repeat(43)),
          }),
        ),
      ).toBe('UNAUTHORIZED');
      expect(repository.revoke).toHaveBeenCalledTimes(1);
    });
  });

  it('revokeOthers keeps the current session', async () => {
    repository.revokeAllOfUser.mockResolvedValue(2);
    await sut.revokeOthers(userId.toHexString(), sessionId);
    expect(repository.revokeAllOfUser).toHaveBeenCalledWith(
      userId.toHexString(),
      'password_change',
      expect.any(Date),
      sessionId,
    );
  });
});
