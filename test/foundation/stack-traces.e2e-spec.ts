import request from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp } from 'test/utils/test-app';

describe('stack traces', () => {
  it('appear only when NODE_ENV is explicitly development', async () => {
    const dev = await createTestApp({ NODE_ENV: 'development' }, { imports: [ProbeModule] });
    try {
      const res = await request(dev.app.getHttpServer()).get('/api/v1/probe/boom').expect(500);
      expect(typeof res.body.stack).toBe('string');
      expect(res.body.message).toBe('Internal server error');
    } finally {
      await dev.close();
    }
    const prod = await createTestApp(
      {
        NODE_ENV: 'production',
        JWT_ACCESS_SECRET: 'p'.repeat(40),
        CODE_HASH_SECRET: 'q'.repeat(40),
        VIEW_HASH_SALT: 'r'.repeat(20),
        MEDIA_STORAGE: 'local',
        MAIL_TRANSPORT: 'outbox',
      },
      { imports: [ProbeModule] },
    );
    try {
      const res = await request(prod.app.getHttpServer()).get('/api/v1/probe/boom').expect(500);
      expect(res.body.stack).toBeUndefined();
    } finally {
      await prod.close();
    }
  });
});
