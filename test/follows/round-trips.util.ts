import type { Test } from 'supertest';
import type { CommandLog } from 'test/utils/db-commands';

/**
 * The driver commands one request makes (the app must run with DB_MONITOR_COMMANDS=true). The
 * request is awaited before reading, so every command it caused has started.
 */
export async function commandsOf(
  log: CommandLog,
  request: Test,
): Promise<{ names: string[]; items: number }> {
  log.reset();
  const res = await request;
  if (res.status >= 400)
    throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
  const data = res.body.data as unknown[] | { docs?: unknown[]; videos?: unknown[] };
  // How many items the answer held: a plain array, a page's docs or a playlist's videos.
  const items = Array.isArray(data) ? data.length : (data.docs ?? data.videos ?? []).length;
  return { names: [...log.names], items };
}

/** The commands authentication costs: a request that fails validation right after the guard. */
export async function authCommandsOf(log: CommandLog, request: Test): Promise<number> {
  log.reset();
  const res = await request;
  if (res.status !== 400) throw new Error(`expected a validation failure, got ${res.status}`);
  return log.names.length;
}
