import { Types } from 'mongoose';
import request from 'supertest';
import { TokenService } from 'src/modules/auth/token.service';
import {
  API,
  cookieValue,
  expectCookiesCleared,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  login,
  RELAXED_LIMITS,
  type StoredSession,
} from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { type CommandLog, recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const SESSIONS = `${API}/auth/sessions`;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const PHONE = 'Dancely/3.2 (iPhone; iOS 19.1)';

/** A session as the list shows it. */
interface ListedSession {
  _id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ipHint: string | null;
}

/**
 * `/auth/sessions` (issue 15, docs/api.md#sessions): the caller's sessions, as a client and an attacker use them: list with the
 * current flag, last use, User-Agent and a coarse IP hint (never the address); revoke one (only
 * one's own: anyone else's is the same 404 as an unknown id); revoke all the others. A revoked
 * session fails on its next call, with its access token and its refresh token alike.
 */
describe('Auth: the session list (/auth/sessions)', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    // One trusted proxy hop, so X-Forwarded-For stands for the client's address.
    t = await createTestApp({ ...RELAXED_LIMITS, TRUST_PROXY: '1' });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const sessions = () => t.connection.collection<StoredSession>('sessions');
  const list = (access: string) =>
    request(http).get(SESSIONS).set('Authorization', `Bearer ${access}`);
  const revoke = (access: string, sessionId: string) =>
    request(http).delete(`${SESSIONS}/${sessionId}`).set('Authorization', `Bearer ${access}`);
  const revokeOthers = (access: string) =>
    request(http).delete(SESSIONS).set('Authorization', `Bearer ${access}`);
  const me = (access: string) =>
    request(http).get(`${API}/auth/me`).set('Authorization', `Bearer ${access}`);
  const refresh = (refreshToken: string) =>
    request(http).post(`${API}/auth/refresh-token`).set('Cookie', `refreshToken=${refreshToken}`);

  /** A login through the API from an address and a browser of our choosing. */
  async function loginFrom(user: TestUser, ip: string, userAgent: string) {
    const res = await request(http)
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', ip)
      .set('User-Agent', userAgent)
      .send({ identifier: user.email, password: user.password });
    expect(res.status).toBe(200);
    const accessToken = cookieValue(res, 'accessToken') ?? '';
    const refreshToken = cookieValue(res, 'refreshToken') ?? '';
    return { accessToken, refreshToken, sessionId: refreshToken.split('.')[0] };
  }

  async function listed(access: string): Promise<ListedSession[]> {
    const res = await list(access);
    expectSuccess(res, 200, 'Sessions fetched successfully');
    return res.body.data as ListedSession[];
  }

  describe('GET /auth/sessions', () => {
    it('lists the live sessions newest-used first, flags the current one and shows only a coarse place', async () => {
      const user = await createVerifiedUser(t); // a session opened without HTTP (no address)
      const laptop = await loginFrom(user, '203.0.113.77', FIREFOX);
      const phone = await loginFrom(user, '2001:db8:1234:5678:9abc:def0:1234:5678', PHONE);
      // Spread the last uses apart, so the order does not hang on one millisecond.
      const now = Date.now();
      const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
      await sessions().updateOne({ _id: user.sessionId }, { $set: { lastUsedAt: minutesAgo(30) } });
      await sessions().updateOne(
        { _id: laptop.sessionId },
        { $set: { lastUsedAt: minutesAgo(20) } },
      );
      await sessions().updateOne(
        { _id: phone.sessionId },
        { $set: { lastUsedAt: minutesAgo(10) } },
      );

      const res = await list(laptop.accessToken);
      expectSuccess(res, 200, 'Sessions fetched successfully');
      const data = res.body.data as ListedSession[];
      // The laptop's request itself was a use: it records it (its last one was 20 minutes ago).
      expect(data.map((s) => s._id)).toEqual([laptop.sessionId, phone.sessionId, user.sessionId]);
      for (const session of data) {
        expect(Object.keys(session).sort()).toEqual([
          '_id',
          'createdAt',
          'current',
          'ipHint',
          'lastUsedAt',
          'userAgent',
        ]);
        expect(new Date(session.createdAt).toISOString()).toBe(session.createdAt);
        expect(new Date(session.lastUsedAt).toISOString()).toBe(session.lastUsedAt);
      }
      expect(data[0]).toMatchObject({
        current: true,
        userAgent: FIREFOX,
        ipHint: '203.0.113.0/24',
      });
      expect(Date.now() - new Date(data[0].lastUsedAt).getTime()).toBeLessThan(10_000);
      expect(data[1]).toMatchObject({
        current: false,
        userAgent: PHONE,
        ipHint: '2001:db8:1234::/48',
        lastUsedAt: minutesAgo(10).toISOString(),
      });
      // Opened by the test factory from 127.0.0.1 with its own User-Agent.
      expect(data[2]).toMatchObject({
        current: false,
        userAgent: 'test-factory',
        ipHint: '127.0.0.0/24',
        lastUsedAt: minutesAgo(30).toISOString(),
      });

      // Never the address, nor a token, nor a stored hash: in the answer or in the database.
      expectNoSecrets(res, [
        '203.0.113.77',
        '1234:5678:9abc',
        laptop.refreshToken,
        laptop.accessToken,
        phone.refreshToken,
      ]);
      const stored = JSON.stringify(
        await sessions()
          .find({ user: new Types.ObjectId(user.id) })
          .toArray(),
      );
      expect(stored).not.toContain('203.0.113.77');
      expect(stored).not.toContain('9abc');
    });

    it('leaves out revoked and expired sessions and everybody else’s', async () => {
      const user = await createVerifiedUser(t);
      const revoked = await loginFrom(user, '198.51.100.1', FIREFOX);
      const expired = await loginFrom(user, '198.51.100.2', FIREFOX);
      await sessions().updateOne({ _id: revoked.sessionId }, { $set: { revokedAt: new Date() } });
      await sessions().updateOne(
        { _id: expired.sessionId },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      await createVerifiedUser(t); // someone else, signed in

      const data = await listed(user.accessToken);
      expect(data.map((s) => [s._id, s.current])).toEqual([[user.sessionId, true]]);
    });

    it('trims the User-Agent to 256 characters, and shows null when none was sent', async () => {
      const user = await createVerifiedUser(t);
      const long = await loginFrom(user, '198.51.100.3', `  ${'A'.repeat(400)}  `);
      const none = await request(http)
        .post(`${API}/auth/login`)
        .unset('User-Agent')
        .send({ identifier: user.username, password: user.password })
        .expect(200);
      const noneId = (cookieValue(none, 'refreshToken') ?? '').split('.')[0];
      const data = await listed(long.accessToken);
      expect(data.find((s) => s._id === long.sessionId)?.userAgent).toBe('A'.repeat(256));
      expect(data.find((s) => s._id === noneId)?.userAgent).toBeNull();
    });

    it('records the client of each refresh: a device that moved shows where it is now', async () => {
      const user = await createVerifiedUser(t);
      const laptop = await loginFrom(user, '203.0.113.10', FIREFOX);
      const rotated = await request(http)
        .post(`${API}/auth/refresh-token`)
        .set('Cookie', `refreshToken=${laptop.refreshToken}`)
        .set('X-Forwarded-For', '192.0.2.200')
        .set('User-Agent', `${FIREFOX} (updated)`)
        .expect(200);
      const access = cookieValue(rotated, 'accessToken') ?? '';
      const [session] = (await listed(access)).filter((s) => s._id === laptop.sessionId);
      expect(session).toMatchObject({ userAgent: `${FIREFOX} (updated)`, ipHint: '192.0.2.0/24' });
    });

    it('shows a session stored with a full address (before ipHint) by its hint, and drops the address at its next use', async () => {
      const user = await createVerifiedUser(t);
      const legacyId = t.app.get(TokenService).newSessionId();
      const now = Date.now();
      await sessions().insertOne({
        _id: legacyId,
        user: new Types.ObjectId(user.id),
        tokenHash: 'h',
        expiresAt: new Date(now + 3600_000),
        revokedAt: null,
        lastUsedAt: new Date(now - 3600_000),
        userAgent: 'Old browser',
        ip: '203.0.113.77',
        createdAt: new Date(now - 7200_000),
        updatedAt: new Date(now - 7200_000),
      });
      const res = await list(user.accessToken);
      expect((res.body.data as ListedSession[]).find((s) => s._id === legacyId)).toMatchObject({
        ipHint: '203.0.113.0/24',
        userAgent: 'Old browser',
      });
      expect(res.text).not.toContain('203.0.113.77');

      const legacyToken = await t.app.get(TokenService).signAccessToken(user.id, legacyId);
      await me(legacyToken).expect(200);
      expect(await sessions().findOne({ _id: legacyId })).not.toHaveProperty('ip');
    });

    it('requires a signed-in caller', async () => {
      expectError(await request(http).get(SESSIONS), 401, 'UNAUTHORIZED');
      expectError(
        await request(http).get(SESSIONS).set('Authorization', 'Bearer not.a.token'),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('DELETE /auth/sessions/:sessionId', () => {
    it('revokes another session of the caller: its access and refresh tokens fail at once', async () => {
      const user = await createVerifiedUser(t);
      const phone = await loginFrom(user, '198.51.100.20', PHONE);
      await me(phone.accessToken).expect(200);

      const res = await revoke(user.accessToken, phone.sessionId);
      expectSuccess(res, 200, 'Session revoked successfully');
      expect(res.body.data).toBeNull();
      // Only ending the current session touches cookies.
      expect(res.headers['set-cookie']).toBeUndefined();

      expectError(await me(phone.accessToken), 401, 'UNAUTHORIZED');
      expectError(await refresh(phone.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expect(await sessions().findOne({ _id: phone.sessionId })).toMatchObject({
        revokedReason: 'revoked_by_user',
      });
      await me(user.accessToken).expect(200);
      expect((await listed(user.accessToken)).map((s) => s._id)).toEqual([user.sessionId]);
    });

    it('revokes the current session like a logout: cookies cleared, its tokens refused', async () => {
      const user = await createVerifiedUser(t);
      const res = await revoke(user.accessToken, user.sessionId);
      expectSuccess(res, 200, 'Session revoked successfully');
      expectCookiesCleared(res);
      expectError(await me(user.accessToken), 401, 'UNAUTHORIZED');
      expectError(await refresh(user.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('answers someone else’s session exactly like an unknown one (404), and revokes nothing', async () => {
      const attacker = await createVerifiedUser(t);
      const victim = await createVerifiedUser(t);

      const foreign = await revoke(attacker.accessToken, victim.sessionId);
      const unknown = await revoke(attacker.accessToken, 'AAAAAAAAAAAAAAAAAAAAAA');
      for (const res of [foreign, unknown]) expectError(res, 404, 'NOT_FOUND', 'Session not found');
      const { requestId: _a, ...foreignBody } = foreign.body as Record<string, unknown>;
      const { requestId: _b, ...unknownBody } = unknown.body as Record<string, unknown>;
      expect(foreignBody).toEqual(unknownBody);

      await me(victim.accessToken).expect(200);
      await refresh(victim.refreshToken).expect(200);
    });

    it('answers a session that is already revoked or expired with 404', async () => {
      const user = await createVerifiedUser(t);
      const gone = await loginFrom(user, '198.51.100.21', PHONE);
      await revoke(user.accessToken, gone.sessionId).expect(200);
      expectError(await revoke(user.accessToken, gone.sessionId), 404, 'NOT_FOUND');

      const expired = await loginFrom(user, '198.51.100.22', PHONE);
      await sessions().updateOne(
        { _id: expired.sessionId },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      expectError(await revoke(user.accessToken, expired.sessionId), 404, 'NOT_FOUND');
    });

    it.each([
      ['too short', 'abc'],
      ['an ObjectId', new Types.ObjectId().toHexString()],
      ['23 characters', 'A'.repeat(23)],
      ['a character outside base64url', `${'A'.repeat(21)}.`],
      ['a refresh token', `${'A'.repeat(22)}.${'B'.repeat(43)}`],
    ])(
      'answers a malformed id (%s) with 400 INVALID_ID before anything else',
      async (_label, id) => {
        const user = await createVerifiedUser(t);
        const res = await revoke(user.accessToken, encodeURIComponent(id));
        expectError(res, 400, 'INVALID_ID', 'Invalid ID');
        expect(res.body.errors).toEqual([
          { field: 'sessionId', location: 'params', message: 'Invalid ID' },
        ]);
        await me(user.accessToken).expect(200);
      },
    );

    it('requires a signed-in caller, before looking at the id', async () => {
      const victim = await createVerifiedUser(t);
      expectError(
        await request(http).delete(`${SESSIONS}/${victim.sessionId}`),
        401,
        'UNAUTHORIZED',
      );
      expectError(await request(http).delete(`${SESSIONS}/abc`), 401, 'UNAUTHORIZED');
      await me(victim.accessToken).expect(200);
    });
  });

  describe('DELETE /auth/sessions', () => {
    it('revokes every other live session of the caller and counts them; the current one keeps working', async () => {
      const user = await createVerifiedUser(t);
      const others = [
        await loginFrom(user, '198.51.100.30', PHONE),
        await loginFrom(user, '198.51.100.31', FIREFOX),
      ];
      const expired = await loginFrom(user, '198.51.100.32', FIREFOX);
      await sessions().updateOne(
        { _id: expired.sessionId },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      const bystander = await createVerifiedUser(t);

      const res = await revokeOthers(user.accessToken);
      expectSuccess(res, 200, 'Other sessions revoked successfully');
      // The expired session was no longer live: not counted.
      expect(res.body.data).toEqual({ revoked: 2 });
      expect(res.headers['set-cookie']).toBeUndefined();
      for (const other of others) {
        expectError(await me(other.accessToken), 401, 'UNAUTHORIZED');
        expectError(await refresh(other.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      }
      await me(user.accessToken).expect(200);
      await me(bystander.accessToken).expect(200);
      expect((await listed(user.accessToken)).map((s) => s._id)).toEqual([user.sessionId]);

      expect((await revokeOthers(user.accessToken)).body.data).toEqual({ revoked: 0 });
    });

    it('requires a signed-in caller', async () => {
      expectError(await request(http).delete(SESSIONS), 401, 'UNAUTHORIZED');
    });
  });

  describe('OpenAPI', () => {
    it('documents the three operations with exact response schemas and the session id format', async () => {
      const doc = (await request(http).get(`${API}/docs-json`).expect(200)).body;
      const schemas = doc.components.schemas;
      const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
      const list = doc.paths['/auth/sessions'].get;
      const revokeAll = doc.paths['/auth/sessions'].delete;
      const revokeOne = doc.paths['/auth/sessions/{sessionId}'].delete;
      expect([list.operationId, revokeAll.operationId, revokeOne.operationId]).toEqual([
        'SessionsController_list_v1',
        'SessionsController_revokeOthers_v1',
        'SessionsController_revoke_v1',
      ]);
      for (const operation of [list, revokeAll, revokeOne])
        expect(operation.security).toEqual([{ bearer: [] }, { cookie: [] }]);

      const envelope = (operation: {
        responses: Record<string, { content: object }>;
      }): Record<string, Record<string, unknown>> => {
        const body = operation.responses['200'].content as Record<string, { schema: object }>;
        const name = (body['application/json'].schema as { $ref: string }).$ref.split('/').pop();
        return (schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>)[
          name as string
        ].properties;
      };
      expect(envelope(list).data).toEqual({ type: 'array', items: ref('SessionResponse') });
      expect(envelope(list).message.enum).toEqual(['Sessions fetched successfully']);
      expect(envelope(revokeAll).data).toEqual(ref('RevokedSessionsResponse'));
      expect(envelope(revokeOne).data).toMatchObject({ nullable: true, enum: [null] });

      const session = schemas.SessionResponse;
      expect(session.type).toBe('object');
      expect([...session.required].sort()).toEqual([
        '_id',
        'createdAt',
        'current',
        'ipHint',
        'lastUsedAt',
        'userAgent',
      ]);
      expect(Object.keys(session.properties).sort()).toEqual([...session.required].sort());
      expect(session.properties).toMatchObject({
        _id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' },
        current: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
        lastUsedAt: { type: 'string', format: 'date-time' },
        userAgent: { type: 'string', nullable: true, maxLength: 256 },
        ipHint: { type: 'string', nullable: true },
      });
      expect(schemas.RevokedSessionsResponse).toMatchObject({
        required: ['revoked'],
        properties: { revoked: { type: 'integer', minimum: 0 } },
      });

      expect(revokeOne.parameters).toEqual([
        expect.objectContaining({
          name: 'sessionId',
          in: 'path',
          required: true,
          schema: expect.objectContaining({ type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' }),
        }),
      ]);
      expect(revokeOne.responses['404'].description).toContain('NOT_FOUND: Session not found');
      expect(revokeOne.responses['400'].description).toContain('INVALID_ID: Invalid ID');
    });
  });

  describe('lastUsedAt: at most one write per session and minute', () => {
    let log: CommandLog;

    beforeAll(() => {
      log = recordCommands(t.connection, { sessionTouch: true });
    });
    afterAll(() => {
      log.stop();
    });

    async function callsOf(access: string): Promise<string[]> {
      log.reset();
      await me(access).expect(200);
      return [...log.calls];
    }

    it('costs two lookups while the last use is recent, and one conditional write once a minute', async () => {
      const user = await createVerifiedUser(t);
      // Just signed in: recent.
      expect(await callsOf(user.accessToken)).toEqual([
        'find sessions',
        'find users',
        'find users',
      ]);

      const twoMinutesAgo = new Date(Date.now() - 120_000);
      await sessions().updateOne({ _id: user.sessionId }, { $set: { lastUsedAt: twoMinutesAgo } });
      expect(await callsOf(user.accessToken)).toEqual([
        'find sessions',
        'find users',
        'update sessions',
        'find users',
      ]);
      const touched = (await sessions().findOne({ _id: user.sessionId }))?.lastUsedAt as Date;
      expect(Date.now() - touched.getTime()).toBeLessThan(10_000);

      // Within the minute again: no write, and the value stays.
      for (let i = 0; i < 3; i += 1)
        expect(await callsOf(user.accessToken)).toEqual([
          'find sessions',
          'find users',
          'find users',
        ]);
      expect((await sessions().findOne({ _id: user.sessionId }))?.lastUsedAt).toEqual(touched);
    });

    it('writes once for concurrent requests that all found the session stale', async () => {
      const user = await createVerifiedUser(t);
      const stale = new Date(Date.now() - 120_000);
      await sessions().updateOne({ _id: user.sessionId }, { $set: { lastUsedAt: stale } });
      const before = await sessions().findOne({ _id: user.sessionId });

      // How many session documents the updates of these requests actually changed.
      const client = t.connection.getClient();
      const sessionUpdates = new Set<number>();
      let modified = 0;
      const started = (event: { requestId: number; command: Record<string, unknown> }): void => {
        if (event.command.update === 'sessions') sessionUpdates.add(event.requestId);
      };
      const succeeded = (event: { requestId: number; reply: unknown }): void => {
        if (sessionUpdates.has(event.requestId))
          modified += (event.reply as { nModified?: number }).nModified ?? 0;
      };
      client.on('commandStarted', started);
      client.on('commandSucceeded', succeeded);
      try {
        await Promise.all(Array.from({ length: 5 }, () => me(user.accessToken).expect(200)));
      } finally {
        client.off('commandStarted', started);
        client.off('commandSucceeded', succeeded);
      }
      expect(sessionUpdates.size).toBeGreaterThanOrEqual(1);
      expect(modified).toBe(1);

      const after = await sessions().findOne({ _id: user.sessionId });
      expect((after?.lastUsedAt as Date).getTime()).toBeGreaterThan(
        (before?.lastUsedAt as Date).getTime(),
      );
      // Every other field is as it was, `updatedAt` included: a touch writes lastUsedAt only.
      const { lastUsedAt: _before, ...restBefore } = before as StoredSession;
      const { lastUsedAt: _after, ...restAfter } = after as StoredSession;
      expect(restAfter).toEqual(restBefore);
    });

    it('keeps the session limit least-recently-used by real use, not only by login', async () => {
      const limited = await createTestApp({ ...RELAXED_LIMITS, MAX_SESSIONS_PER_USER: '2' });
      try {
        const user = await createVerifiedUser(limited); // session A
        const lhttp = limited.app.getHttpServer();
        const second = await login(lhttp, user.email, user.password); // session B
        const col = limited.connection.collection<StoredSession>('sessions');
        const old = new Date(Date.now() - 3600_000);
        await col.updateMany({ user: new Types.ObjectId(user.id) }, { $set: { lastUsedAt: old } });
        // A is used now (B is not): the next login must revoke B, not A.
        await request(lhttp)
          .get(`${API}/auth/me`)
          .set('Authorization', user.authHeader)
          .expect(200);
        await login(lhttp, user.email, user.password);
        expect(await col.findOne({ _id: user.sessionId })).toMatchObject({ revokedAt: null });
        expect(await col.findOne({ _id: second.refreshToken.split('.')[0] })).toMatchObject({
          revokedReason: 'limit',
        });
      } finally {
        await limited.close();
      }
    });
  });
});
