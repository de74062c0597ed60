import { ConfigValidationError, loadAppConfig } from 'src/config/app-config';

describe('loadAppConfig', () => {
  it('starts with no configuration at all, with development defaults', () => {
    const sut = loadAppConfig({}, '/srv/app');
    expect(sut.nodeEnv).toBe('development');
    expect(sut.exposeStack).toBe(false);
    expect(sut.port).toBe(8000);
    expect(sut.database.uri).toBeNull();
    expect(sut.database.embeddedDataFile).toBe('/srv/app/var/db/dancely.mv');
    expect(sut.media.storage).toBe('local');
    expect(sut.mail.transport).toBe('outbox');
    expect(sut.cors.origins).toEqual(['http://localhost:3000']);
    expect(sut.auth.accessSecret.length).toBeGreaterThanOrEqual(32);
    expect(sut.rateLimits.global).toEqual({ limit: 1000, windowSeconds: 900 });
    expect(sut.rateLimits.loginFailuresAccount).toEqual({ limit: 100, windowSeconds: 86400 });
  });

  it('shows stack traces only when NODE_ENV is explicitly development', () => {
    expect(loadAppConfig({ NODE_ENV: 'development' }).exposeStack).toBe(true);
    expect(loadAppConfig({ NODE_ENV: 'test' }).exposeStack).toBe(false);
  });

  it('refuses production without its secrets, naming every missing variable', () => {
    let error: unknown;
    try {
      loadAppConfig({ NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'JWT_ACCESS_SECRET is required in production',
        'MONGODB_URI is required in production',
        'VIEW_HASH_SALT is required in production',
        'CLOUDINARY_CLOUD_NAME is required when MEDIA_STORAGE=cloudinary',
        'RESEND_API_KEY is required when MAIL_TRANSPORT=resend',
      ]),
    );
  });

  it('refuses placeholder and short secrets in production', () => {
    expect(() =>
      loadAppConfig({
        NODE_ENV: 'production',
        MONGODB_URI: 'mongodb+srv://user:pw@cluster.example.net/dancely',
        JWT_ACCESS_SECRET: 'changeme',
        CODE_HASH_SECRET: 'x'.repeat(40),
        VIEW_HASH_SALT: 'y'.repeat(20),
        MEDIA_STORAGE: 'local',
        MAIL_TRANSPORT: 'outbox',
      }),
    ).toThrow(/JWT_ACCESS_SECRET must be a real secret/);
  });

  it('accepts a complete production configuration with a multi-host URI', () => {
    const sut = loadAppConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://a.example:27017,b.example:27017/dancely?replicaSet=rs0',
      JWT_ACCESS_SECRET: 'a'.repeat(40),
      JWT_REFRESH_SECRET: 'b'.repeat(40),
      VIEW_HASH_SALT: 'c'.repeat(20),
      CLOUDINARY_CLOUD_NAME: 'dancely',
      CLOUDINARY_API_KEY: '1234',
      CLOUDINARY_API_SECRET: 'real-secret-value',
      RESEND_API_KEY: 're_live_key',
      CORS_ORIGIN: 'https://dancely.in,https://www.dancely.in',
    });
    expect(sut.cookies.secure).toBe(true);
    expect(sut.auth.codeSecret).toBe('b'.repeat(40));
    expect(sut.cors.origins).toEqual(['https://dancely.in', 'https://www.dancely.in']);
  });

  it('accepts the original expiry variable names as durations', () => {
    const sut = loadAppConfig({ JWT_ACCESS_EXPIRY: '15m', JWT_REFRESH_EXPIRY: '7d' });
    expect(sut.auth.accessTtlSeconds).toBe(900);
    expect(sut.auth.refreshTtlSeconds).toBe(7 * 86400);
  });

  it('stops on a set but invalid variable, naming it', () => {
    expect(() => loadAppConfig({ PORT: 'eighty' })).toThrow(/PORT must be an integer/);
    expect(() => loadAppConfig({ MONGODB_URI: 'postgres://x' })).toThrow(/MONGODB_URI/);
    expect(() => loadAppConfig({ CORS_ORIGIN: 'not a url' })).toThrow(/CORS_ORIGIN/);
    expect(() => loadAppConfig({ MEDIA_STORAGE: 's3' })).toThrow(
      /MEDIA_STORAGE must be one of local, cloudinary/,
    );
  });

  it('caps concurrent uploads per user at 3 and cuts idle upload bodies after 30 s by default', () => {
    const sut = loadAppConfig({});
    expect(sut.media.uploadMaxConcurrentPerUser).toBe(3);
    expect(sut.media.uploadIdleTimeoutSeconds).toBe(30);
    const tuned = loadAppConfig({
      UPLOAD_MAX_CONCURRENT_PER_USER: '1',
      UPLOAD_IDLE_TIMEOUT_SECONDS: '5',
    });
    expect(tuned.media).toMatchObject({
      uploadMaxConcurrentPerUser: 1,
      uploadIdleTimeoutSeconds: 5,
    });
    expect(() => loadAppConfig({ UPLOAD_MAX_CONCURRENT_PER_USER: '0' })).toThrow(
      /UPLOAD_MAX_CONCURRENT_PER_USER must be an integer between 1 and 100/,
    );
    expect(() => loadAppConfig({ UPLOAD_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(
      /UPLOAD_IDLE_TIMEOUT_SECONDS must be an integer between 1 and 3600/,
    );
  });

  describe('metrics', () => {
    const production = {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db.example:27017/dancely',
      JWT_ACCESS_SECRET: 'a'.repeat(40),
      CODE_HASH_SECRET: 'b'.repeat(40),
      VIEW_HASH_SALT: 'c'.repeat(20),
      MEDIA_STORAGE: 'local',
      MAIL_TRANSPORT: 'outbox',
    };

    it('serves them on the main port by default outside production, with driver monitoring', () => {
      for (const env of [{}, { NODE_ENV: 'test' }, { NODE_ENV: 'development' }]) {
        const sut = loadAppConfig(env);
        expect(sut.metrics).toEqual({ enabled: true, port: null });
        expect(sut.database.monitorCommands).toBe(true);
      }
    });

    it('keeps them off in production unless asked for, by METRICS_ENABLED or a port of their own', () => {
      const plain = loadAppConfig(production);
      expect(plain.metrics).toEqual({ enabled: false, port: null });
      expect(plain.database.monitorCommands).toBe(false);
      expect(loadAppConfig({ ...production, METRICS_PORT: '9464' }).metrics).toEqual({
        enabled: true,
        port: 9464,
      });
      expect(loadAppConfig({ ...production, METRICS_ENABLED: 'true' }).metrics.enabled).toBe(true);
    });

    it('lets METRICS_ENABLED and DB_MONITOR_COMMANDS decide on their own', () => {
      const off = loadAppConfig({ METRICS_ENABLED: 'false', METRICS_PORT: '9464' });
      expect(off.metrics.enabled).toBe(false);
      expect(off.database.monitorCommands).toBe(false);
      expect(loadAppConfig({ DB_MONITOR_COMMANDS: 'false' }).database.monitorCommands).toBe(false);
      expect(
        loadAppConfig({ METRICS_ENABLED: 'false', DB_MONITOR_COMMANDS: 'true' }).database
          .monitorCommands,
      ).toBe(true);
    });

    it('refuses a port outside 1–65535, or the main port', () => {
      expect(() => loadAppConfig({ METRICS_PORT: '0' })).toThrow(
        /METRICS_PORT must be an integer between 1 and 65535/,
      );
      expect(() => loadAppConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
      expect(() => loadAppConfig({ METRICS_PORT: '8000' })).toThrow(
        /METRICS_PORT must differ from PORT/,
      );
      expect(() => loadAppConfig({ METRICS_ENABLED: 'maybe' })).toThrow(
        /METRICS_ENABLED must be true or false/,
      );
    });
  });

  describe('counters reconcile', () => {
    it('runs hourly by default, never in tests unless asked, in batches of 500', () => {
      expect(loadAppConfig({}).counters).toEqual({
        reconcileIntervalMinutes: 60,
        reconcileBatchSize: 500,
      });
      expect(loadAppConfig({ NODE_ENV: 'test' }).counters.reconcileIntervalMinutes).toBe(0);
      expect(
        loadAppConfig({ NODE_ENV: 'test', COUNTERS_RECONCILE_INTERVAL_MINUTES: '5' }).counters,
      ).toEqual({ reconcileIntervalMinutes: 5, reconcileBatchSize: 500 });
      expect(loadAppConfig({ COUNTERS_RECONCILE_INTERVAL_MINUTES: '0' }).counters).toEqual({
        reconcileIntervalMinutes: 0,
        reconcileBatchSize: 500,
      });
    });

    it('refuses an interval or a batch size out of range', () => {
      expect(() => loadAppConfig({ COUNTERS_RECONCILE_INTERVAL_MINUTES: '-1' })).toThrow(
        /COUNTERS_RECONCILE_INTERVAL_MINUTES must be an integer between 0 and 10080/,
      );
      expect(() => loadAppConfig({ COUNTERS_RECONCILE_BATCH_SIZE: '0' })).toThrow(
        /COUNTERS_RECONCILE_BATCH_SIZE must be an integer between 1 and 10000/,
      );
    });
  });
});
