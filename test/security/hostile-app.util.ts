import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { listeningPort } from 'test/utils/raw-http';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/** What the hostile-input suites send their raw requests to. */
export interface HostileApp {
  t: TestApp;
  port: number;
  user: TestUser;
  /** Log files land here, so a suite can assert nothing was logged at error level. */
  logDir: string;
}

/**
 * A listening app with warn-level file logs and rate limits out of the way (the probe sends
 * hundreds of requests from one address; the limits are tested elsewhere), plus a signed-in user.
 */
export async function startHostileApp(): Promise<HostileApp> {
  const logDir = mkdtempSync(join(tmpdir(), 'dancely-hostile-logs-'));
  const t = await createTestApp({
    LOG_LEVEL: 'warn',
    LOG_FILES: 'true',
    LOG_DIR: logDir,
    RATE_LIMIT_GLOBAL: '1000000',
    RATE_LIMIT_LOGIN: '1000000',
    RATE_LIMIT_REGISTER: '1000000',
    RATE_LIMIT_CODE_CHECK: '1000000',
    RATE_LIMIT_EMAIL_SEND: '1000000',
  });
  return { t, port: await listeningPort(t), user: await createVerifiedUser(t), logDir };
}
