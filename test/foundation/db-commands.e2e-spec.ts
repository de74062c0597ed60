import request from 'supertest';
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
});
