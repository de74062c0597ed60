import request from 'supertest';
import { insertSignedInUser, type SignedInProbe } from 'test/factories/sessions.factory';
import { ProbeModule } from 'test/foundation/probe.module';
import { recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('round-trip counting helper', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DB_MONITOR_COMMANDS: 'true' }, { imports: [ProbeModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the driver commands one request makes', async () => {
    const log = recordCommands(t.connection);
    try {
      await request(t.app.getHttpServer()).get('/api/v1/probe/data').expect(200);
      expect(log.names).toEqual([]);
      await request(t.app.getHttpServer()).get('/api/v1/probe/db').expect(200);
      expect(log.names).toEqual(['aggregate']); // countDocuments is an aggregation
    } finally {
      log.stop();
    }
  });

  describe('authentication', () => {
    const signedIn = (): Promise<SignedInProbe> => insertSignedInUser(t);

    async function callsOf(headers: Record<string, string>, status: number): Promise<string[]> {
      const log = recordCommands(t.connection);
      try {
        const req = request(t.app.getHttpServer()).get('/api/v1/probe/optional');
        for (const [name, value] of Object.entries(headers)) req.set(name, value);
        await req.expect(status);
        return [...log.calls];
      } finally {
        log.stop();
      }
    }

    it('costs two lookups by key (session, user), whichever credential carries the token', async () => {
      const { token } = await signedIn();
      const twoLookups = ['find sessions', 'find users'];
      expect(await callsOf({}, 200)).toEqual([]);
      expect(await callsOf({ Authorization: `Bearer ${token}` }, 200)).toEqual(twoLookups);
      expect(await callsOf({ Cookie: `accessToken=${token}` }, 200)).toEqual(twoLookups);
      // A header that fails its signature costs nothing before the cookie is tried.
      expect(
        await callsOf({ Authorization: 'Bearer garbage', Cookie: `accessToken=${token}` }, 200),
      ).toEqual(twoLookups);
    });

    it('judges a token sent as both header and cookie once', async () => {
      const { token, sessionId } = await signedIn();
      await t.connection
        .collection<{ _id: string } & Record<string, unknown>>('sessions')
        .updateOne({ _id: sessionId }, { $set: { revokedAt: new Date() } });
      expect(
        await callsOf({ Authorization: `Bearer ${token}`, Cookie: `accessToken=${token}` }, 401),
      ).toEqual(['find sessions']);
    });
  });
});
