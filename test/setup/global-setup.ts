import 'tsconfig-paths/register';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';

/**
 * One in-memory engine for the whole e2e run; each test file gets its own database on it
 * (see test/utils/test-app.ts), so files never see each other's data. Every test app appends
 * the query shapes it saw to one file of this run, which the index audit reads (it runs last).
 */
export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  const dir = join(globalConfig.rootDir, 'var', 'index-audit');
  mkdirSync(dir, { recursive: true });
  const shapesFile = join(dir, `suite-shapes-${process.pid}.jsonl`);
  writeFileSync(shapesFile, '');
  process.env.INDEX_AUDIT_SHAPES_FILE = shapesFile;

  if (process.env.TEST_MONGODB_URI) return;
  const engine = await startEmbeddedMongo();
  process.env.TEST_MONGODB_URI = engine.uri;
  (globalThis as { __DANCELY_ENGINE__?: { stop(): Promise<void> } }).__DANCELY_ENGINE__ = engine;
}
