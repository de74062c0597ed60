import { Types } from 'mongoose';
import request from 'supertest';
import { TokenService } from 'src/modules/auth/token.service';
import { insertSignedInUser, type SignedInProbe } from 'test/factories/sessions.factory';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp, type TestApp } from 'test/utils/test-app';

function expectErrorBody(
  res: request.Response,
  status: number,
  code: string,
  message?: string,
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
  expect(res.body).toMatchObject({ statusCode: status, success: false, code });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  if (message !== undefined) expect(res.body.message).toBe(message);
  expect(res.body.stack).toBeUndefined();
}

describe('Conventions (docs/api.md)', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;

  beforeAll(async () => {
    t = await createTestApp(
      { CORS_ORIGIN: 'http://client.test,http://other.test' },
      { imports: [ProbeModule] },
    );
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('routing', () => {
    it.each(['/api/v1/nope', '/nope', '/api/v2/probe/data', '/health/nope'])(
      'answers unknown %s with the JSON 404',
      async (path) => {
        const res = await request(http).get(path);
        expectErrorBody(res, 404, 'ROUTE_NOT_FOUND', 'Route not found');
        expect(Object.keys(res.body).sort()).toEqual([
          'code',
          'message',
          'requestId',
          'statusCode',
          'success',
        ]);
      },
    );

    it('answers a known path with a method it does not serve with 405 and Allow, whatever the credentials', async () => {
      // Was 404 before issue 11; test/foundation/http-conformance covers it all.
      const res = await request(http)
        .delete('/api/v1/probe/data')
        .set('Authorization', 'Bearer nonsense');
      expectErrorBody(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    });

    it('serves HEAD wherever GET works, with the same status and no body', async () => {
      const res = await request(http).head('/api/v1/probe/data');
      expect(res.status).toBe(200);
      expect(res.text ?? '').toBe('');
      expect(res.headers['x-request-id']).toBeDefined();
    });
  });

  describe('success envelope', () => {
    it('wraps data with the message and the status', async () => {
      const res = await request(http).get('/api/v1/probe/data').expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        statusCode: 200,
        message: 'Probe fetched',
        data: { page: 1, limit: 10 },
        success: true,
      });
    });

    it('keeps the data key as null when there is no payload', async () => {
      const res = await request(http).get('/api/v1/probe/null').expect(200);
      expect(res.body).toEqual({
        statusCode: 200,
        message: 'Nothing here',
        data: null,
        success: true,
      });
    });

    it('uses the status the route declares', async () => {
      const res = await request(http).post('/api/v1/probe/body').send({ title: 'ok' }).expect(201);
      expect(res.body.statusCode).toBe(201);
      expect(res.body.data).toEqual({ title: 'ok' });
    });
  });

  describe('request bodies', () => {
    it('rejects malformed JSON without echoing it', async () => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .set('Content-Type', 'application/json')
        .send('{"title": "hunter2-secret"');
      expectErrorBody(res, 400, 'MALFORMED_JSON', 'Malformed JSON body');
      expect(res.text).not.toContain('hunter2-secret');
    });

    it.each(['null', '[]', '5', '"title"'])(
      'answers a JSON body that is not an object (%s) with 400, not as if no body was sent',
      async (body) => {
        const res = await request(http)
          .post('/api/v1/probe/body')
          .set('Content-Type', 'application/json')
          .send(body);
        expectErrorBody(res, 400, 'VALIDATION_ERROR', 'Request body must be a JSON object');
      },
    );

    it('rejects a JSON body over 32 KB with 413', async () => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: 'x'.repeat(33 * 1024) });
      expectErrorBody(res, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
    });

    it('accepts a 5000-character multi-byte body under 32 KB', async () => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: 'ok', isPublished: true, ...{} });
      expect(res.status).toBe(201);
      const big = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: 'ツ'.repeat(5000) });
      // 15 KB of UTF-8 passes the size check and reaches validation (title too long).
      expectErrorBody(big, 400, 'VALIDATION_ERROR', 'Title must be at most 10 characters');
    });

    it.each([
      ['text/plain', 'title=x'],
      ['application/x-www-form-urlencoded', 'title=x'],
    ])('answers a %s body on a JSON endpoint with 415', async (type, body) => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .set('Content-Type', type)
        .send(body);
      expectErrorBody(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
    });

    it('accepts bodyless calls with or without a content type, and an empty JSON body', async () => {
      await request(http).post('/api/v1/probe/bodyless').expect(200);
      await request(http)
        .post('/api/v1/probe/bodyless')
        .set('Content-Type', 'application/json')
        .expect(200);
      const res = await request(http).post('/api/v1/probe/bodyless').send({}).expect(200);
      expect(res.body).toEqual({ statusCode: 200, message: 'Toggled', data: null, success: true });
    });

    it('refuses properties on a route that takes no body', async () => {
      const res = await request(http).post('/api/v1/probe/bodyless').send({ isAdmin: true });
      expectErrorBody(res, 400, 'VALIDATION_ERROR', 'isAdmin is not allowed');
    });

    it('refuses unknown properties with the field named', async () => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: 'ok', owner: 'x', role: 'admin' });
      expectErrorBody(res, 400, 'VALIDATION_ERROR', 'owner is not allowed, role is not allowed');
      expect(res.body.errors).toEqual([
        { field: 'owner', location: 'body', message: 'owner is not allowed' },
        { field: 'role', location: 'body', message: 'role is not allowed' },
      ]);
    });

    it('does not coerce JSON types', async () => {
      const res = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: 'ok', isPublished: 'true' });
      expectErrorBody(res, 400, 'VALIDATION_ERROR', 'isPublished must be a boolean');
      const wrong = await request(http).post('/api/v1/probe/body').send({ title: 12 });
      expectErrorBody(wrong, 400, 'VALIDATION_ERROR', 'title must be a string');
    });
  });

  describe('validation', () => {
    it('reports a missing field with its own message', async () => {
      const res = await request(http).post('/api/v1/probe/body').send({});
      expectErrorBody(res, 400, 'VALIDATION_ERROR', 'Title is required');
      expect(res.body.errors).toEqual([
        { field: 'title', location: 'body', message: 'Title is required' },
      ]);
    });

    it('trims before checking, so whitespace-only fails as missing', async () => {
      const res = await request(http).post('/api/v1/probe/body').send({ title: '    ' });
      expectErrorBody(res, 400, 'VALIDATION_ERROR', 'Title is required');
      const ok = await request(http)
        .post('/api/v1/probe/body')
        .send({ title: '  padded  ' })
        .expect(201);
      expect(ok.body.data.title).toBe('padded');
    });

    it.each([
      ['limit=0', 'limit must be an integer between 1 and 100'],
      ['limit=101', 'limit must be an integer between 1 and 100'],
      ['limit=-1', 'limit must be an integer between 1 and 100'],
      ['limit=abc', 'limit must be an integer between 1 and 100'],
      ['limit=1.5', 'limit must be an integer between 1 and 100'],
      ['limit=', 'limit must be an integer between 1 and 100'],
      ['page=0', 'page must be an integer greater than or equal to 1'],
      ['page=1&page=2', 'page must be a single value'],
    ])('rejects the query %s', async (query, message) => {
      const res = await request(http).get(`/api/v1/probe/data?${query}`);
      expectErrorBody(res, 400, 'VALIDATION_ERROR', message);
      expect(res.body.errors[0].location).toBe('query');
    });

    it('ignores unknown query parameters and converts integers explicitly', async () => {
      const res = await request(http)
        .get('/api/v1/probe/data?page=3&limit=7&foo=bar&foo=baz')
        .expect(200);
      expect(res.body.data).toEqual({ page: 3, limit: 7 });
    });

    it('answers malformed ids with INVALID_ID naming every bad parameter', async () => {
      const res = await request(http).get('/api/v1/probe/ids/123/videos/zzzzzzzzzzzzzzzzzzzzzzzz');
      expectErrorBody(res, 400, 'INVALID_ID', 'Invalid ID');
      expect(res.body.errors).toEqual([
        { field: 'playlistId', location: 'params', message: 'Invalid ID' },
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);
    });

    it('checks ids before the body, whatever the handler declares first', async () => {
      const res = await request(http).patch('/api/v1/probe/items/nope').send({ unknown: true });
      expectErrorBody(res, 400, 'INVALID_ID', 'Invalid ID');
      expect(res.body.errors).toEqual([
        { field: 'itemId', location: 'params', message: 'Invalid ID' },
      ]);
      const malformed = await request(http)
        .patch('/api/v1/probe/items/nope')
        .set('Content-Type', 'application/json')
        .send('{bad');
      expectErrorBody(malformed, 400, 'INVALID_ID', 'Invalid ID');
      const ok = await request(http)
        .patch('/api/v1/probe/items/0123456789abcdef01234567')
        .send({ title: 'fine' })
        .expect(200);
      expect(ok.body.data).toEqual({ itemId: '0123456789abcdef01234567', title: 'fine' });
    });

    it('accepts ids in either case and hands them to the handler in lower case', async () => {
      const res = await request(http)
        .get('/api/v1/probe/ids/AAAAAAAAAAAAAAAAAAAAAAAA/videos/0123456789ABCDEF01234567')
        .expect(200);
      expect(res.body.data).toEqual({
        playlistId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        videoId: '0123456789abcdef01234567',
      });
    });
  });

  describe('error mapping', () => {
    it('maps a duplicate key to 409 without leaking index or key', async () => {
      const res = await request(http).post('/api/v1/probe/duplicate');
      expectErrorBody(res, 409, 'CONFLICT', 'Resource already exists');
      expect(res.text).not.toMatch(/probe_key_unique|E11000|same|probe_unique/);
    });

    it('answers anything unexpected with a generic 500 and no internals', async () => {
      const res = await request(http).get('/api/v1/probe/boom');
      expectErrorBody(res, 500, 'INTERNAL_ERROR', 'Internal server error');
      expect(res.text).not.toContain('secret internal detail');
    });
  });

  describe('request id', () => {
    it('keeps a well-formed client id, on errors too', async () => {
      const res = await request(http).get('/api/v1/nope').set('X-Request-Id', 'client.id:42_a-b');
      expect(res.headers['x-request-id']).toBe('client.id:42_a-b');
      expect(res.body.requestId).toBe('client.id:42_a-b');
    });

    it.each(['has space', 'x'.repeat(129), 'bad/slash'])(
      'replaces a malformed id (%s) with a UUID',
      async (id) => {
        const res = await request(http).get('/health/live').set('X-Request-Id', id);
        expect(res.headers['x-request-id']).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
      },
    );
  });

  describe('headers and CORS', () => {
    it('sends helmet headers and hides the framework', async () => {
      const res = await request(http).get('/api/v1/probe/data');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('allows a listed origin with credentials and exposes the documented headers', async () => {
      const res = await request(http).get('/api/v1/probe/data').set('Origin', 'http://other.test');
      expect(res.headers['access-control-allow-origin']).toBe('http://other.test');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-expose-headers']).toBe(
        'X-Request-Id,Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,RateLimit,RateLimit-Policy,ETag,Idempotent-Replayed,X-Next-Cursor,' +
          // tus (docs/api.md#resumable-uploads)
          'Location,Tus-Resumable,Tus-Version,Tus-Extension,Tus-Max-Size,Upload-Offset,Upload-Length,Upload-Expires,Upload-Metadata',
      );
    });

    it('lets a browser send If-Match and If-None-Match cross-origin (docs/api.md#caching)', async () => {
      const res = await request(http)
        .options('/api/v1/probe/body')
        .set('Origin', 'http://client.test')
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'if-match,if-none-match');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-headers']).toContain('If-Match');
      expect(res.headers['access-control-allow-headers']).toContain('If-None-Match');
    });

    it('answers a preflight with 204 and a 10-minute max age', async () => {
      const res = await request(http)
        .options('/api/v1/probe/body')
        .set('Origin', 'http://client.test')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,x-request-id,idempotency-key');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-headers']).toBe(
        'Content-Type,Authorization,X-Requested-With,X-Request-Id,Accept,If-Match,If-None-Match,Idempotency-Key,' +
          'Tus-Resumable,Upload-Length,Upload-Offset,Upload-Metadata',
      );
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-allow-methods']).toBe(
        'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS',
      );
    });

    it('gives other origins no CORS headers', async () => {
      const res = await request(http).get('/api/v1/probe/data').set('Origin', 'http://evil.test');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('authentication modes', () => {
    const signedIn = (): Promise<SignedInProbe> => insertSignedInUser(t);

    it('required: 401 UNAUTHORIZED without credentials, the user with a live session', async () => {
      expectErrorBody(
        await request(http).get('/api/v1/probe/required'),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
      const { token, userId } = await signedIn();
      const res = await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body.data).toBe(userId);
      const viaCookie = await request(http)
        .get('/api/v1/probe/required')
        .set('Cookie', `accessToken=${token}`)
        .expect(200);
      expect(viaCookie.body.data).toBe(userId);
    });

    it('a route that declares no mode is denied by default', async () => {
      expectErrorBody(await request(http).get('/api/v1/probe/undeclared'), 401, 'UNAUTHORIZED');
    });

    it('optional: anonymous proceeds; stale credentials get 401 instead of silently anonymous', async () => {
      const anonymous = await request(http).get('/api/v1/probe/optional').expect(200);
      expect(anonymous.body.data).toBeNull();
      expectErrorBody(
        await request(http).get('/api/v1/probe/optional').set('Authorization', 'Bearer not-a-jwt'),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('answers ACCESS_TOKEN_EXPIRED only for a genuine token whose only defect is expiry', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const jwt = t.app.get(JwtService);
      const expired = await jwt.signAsync(
        {
          sub: new Types.ObjectId().toHexString(),
          sid: new Types.ObjectId().toHexString(),
          exp: Math.floor(Date.now() / 1000) - 10,
        },
        { secret: t.config.auth.accessSecret, algorithm: 'HS256' },
      );
      expectErrorBody(
        await request(http).get('/api/v1/probe/required').set('Authorization', `Bearer ${expired}`),
        401,
        'ACCESS_TOKEN_EXPIRED',
        'ACCESS_TOKEN_EXPIRED',
      );
      const forged = await jwt.signAsync(
        {
          sub: new Types.ObjectId().toHexString(),
          sid: new Types.ObjectId().toHexString(),
          exp: Math.floor(Date.now() / 1000) - 10,
        },
        { secret: 'another-secret-of-at-least-32-characters!!', algorithm: 'HS256' },
      );
      expectErrorBody(
        await request(http).get('/api/v1/probe/required').set('Authorization', `Bearer ${forged}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('rejects tokens signed with another algorithm', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const token = await t.app
        .get(JwtService)
        .signAsync(
          { sub: new Types.ObjectId().toHexString(), sid: new Types.ObjectId().toHexString() },
          { secret: t.config.auth.accessSecret, algorithm: 'HS512' },
        );
      expectErrorBody(
        await request(http).get('/api/v1/probe/required').set('Authorization', `Bearer ${token}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('tries the Bearer header first, then the cookie; a non-Bearer header is ignored', async () => {
      const { token, userId } = await signedIn();
      const staleHeader = await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', 'Bearer stale')
        .set('Cookie', `accessToken=${token}`)
        .expect(200);
      expect(staleHeader.body.data).toBe(userId);
      const basic = await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', `Basic ${token}`);
      expectErrorBody(basic, 401, 'UNAUTHORIZED');
      const lowerScheme = await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', `bearer ${token}`)
        .expect(200);
      expect(lowerScheme.body.data).toBe(userId);
    });

    it('a genuine header token of a dead session does not hide a live cookie', async () => {
      const dead = await signedIn();
      const live = await signedIn();
      await t.connection
        .collection<{ _id: string } & Record<string, unknown>>('sessions')
        .updateOne({ _id: dead.sessionId }, { $set: { revokedAt: new Date() } });
      const res = await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', `Bearer ${dead.token}`)
        .set('Cookie', `accessToken=${live.token}`)
        .expect(200);
      expect(res.body.data).toBe(live.userId);
    });

    it('judges the expiry across both: a forged header beside an expired cookie is still ACCESS_TOKEN_EXPIRED', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const jwt = t.app.get(JwtService);
      const claims = {
        sub: new Types.ObjectId().toHexString(),
        sid: t.app.get(TokenService).newSessionId(),
        exp: Math.floor(Date.now() / 1000) - 10,
      };
      const expired = await jwt.signAsync(claims, {
        secret: t.config.auth.accessSecret,
        algorithm: 'HS256',
      });
      const forged = await jwt.signAsync(claims, {
        secret: 'another-secret-of-at-least-32-characters!!',
        algorithm: 'HS256',
      });
      for (const [header, cookie] of [
        [forged, expired],
        [expired, forged],
      ]) {
        expectErrorBody(
          await request(http)
            .get('/api/v1/probe/optional')
            .set('Authorization', `Bearer ${header}`)
            .set('Cookie', `accessToken=${cookie}`),
          401,
          'ACCESS_TOKEN_EXPIRED',
        );
      }
    });

    it('each application authenticates with its own strategies, also beside another in the same process', async () => {
      const { token, userId } = await signedIn();
      const other = await createTestApp({}, { imports: [ProbeModule] });
      try {
        // The other application has its own database, where this session does not exist.
        expectErrorBody(
          await request(other.app.getHttpServer())
            .get('/api/v1/probe/required')
            .set('Authorization', `Bearer ${token}`),
          401,
          'UNAUTHORIZED',
        );
        const res = await request(http)
          .get('/api/v1/probe/required')
          .set('Authorization', `Bearer ${token}`)
          .expect(200);
        expect(res.body.data).toBe(userId);
      } finally {
        await other.close();
      }
    });

    it('a revoked session stops authenticating on the very next request', async () => {
      const { token, sessionId } = await signedIn();
      await request(http)
        .get('/api/v1/probe/required')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await t.connection
        .collection<{ _id: string } & Record<string, unknown>>('sessions')
        .updateOne({ _id: sessionId }, { $set: { revokedAt: new Date() } });
      expectErrorBody(
        await request(http).get('/api/v1/probe/required').set('Authorization', `Bearer ${token}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('guest: 400 ALREADY_LOGGED_IN for a live session, proceeds for none or a dead one', async () => {
      await request(http).get('/api/v1/probe/guest').expect(200);
      const { token, sessionId } = await signedIn();
      expectErrorBody(
        await request(http).get('/api/v1/probe/guest').set('Cookie', `accessToken=${token}`),
        400,
        'ALREADY_LOGGED_IN',
        'You are already logged in',
      );
      await t.connection
        .collection<{ _id: string } & Record<string, unknown>>('sessions')
        .updateOne({ _id: sessionId }, { $set: { revokedAt: new Date() } });
      await request(http)
        .get('/api/v1/probe/guest')
        .set('Cookie', `accessToken=${token}`)
        .expect(200);
      await request(http)
        .get('/api/v1/probe/guest')
        .set('Authorization', 'Bearer garbage')
        .expect(200);
    });

    it('public ignores credentials entirely', async () => {
      await request(http)
        .get('/api/v1/probe/data')
        .set('Authorization', 'Bearer garbage')
        .expect(200);
    });
  });
});
