export default async function globalTeardown(): Promise<void> {
  const engine = (globalThis as { __DANCELY_ENGINE__?: { stop(): Promise<void> } })
    .__DANCELY_ENGINE__;
  await engine?.stop();
}
