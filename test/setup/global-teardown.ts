import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const shapesFile = process.env.INDEX_AUDIT_SHAPES_FILE;
  if (shapesFile) rmSync(shapesFile, { force: true });
  const engine = (globalThis as { __DANCELY_ENGINE__?: { stop(): Promise<void> } })
    .__DANCELY_ENGINE__;
  await engine?.stop();
}
