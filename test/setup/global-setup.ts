import 'tsconfig-paths/register';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';

/**
 * One in-memory engine for the whole e2e run; each test file gets its own database on it
 * (see test/utils/test-app.ts), so files never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  const engine = await startEmbeddedMongo();
  process.env.TEST_MONGODB_URI = engine.uri;
  (globalThis as { __DANCELY_ENGINE__?: { stop(): Promise<void> } }).__DANCELY_ENGINE__ = engine;
}
