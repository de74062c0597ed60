import type { Connection } from 'mongoose';

export interface CommandLog {
  /** Command names seen since the last reset, in order (e.g. `find`, `aggregate`, `count`). */
  names: string[];
  /** The same commands with their collection, e.g. `find users`, `aggregate videos`. */
  calls: string[];
  reset(): void;
  stop(): void;
}

const IGNORED = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'saslStart',
  'saslContinue',
  'endSessions',
  'killCursors',
]);

/**
 * The once-a-minute `lastUsedAt` write of authentication (`SessionsRepository.touch`): an update of
 * one session that sets `lastUsedAt` and nothing else.
 */
export function isSessionTouch(command: Record<string, unknown>): boolean {
  if (command.update !== 'sessions') return false;
  const updates = command.updates as { u?: Record<string, Record<string, unknown>> }[] | undefined;
  const set = updates?.length === 1 ? updates[0].u?.$set : undefined;
  return !!set && Object.keys(set).join() === 'lastUsedAt';
}

/**
 * Records every database round trip the driver makes (the app must be created with
 * `DB_MONITOR_COMMANDS=true`). Used to prove list endpoints issue a constant number of queries,
 * whatever the page size (no N+1). The session touch is left out unless `sessionTouch` is set: it
 * belongs to no route, and whether a request makes it depends only on how long ago its session
 * was last used (more than a minute), which a slow suite cannot control.
 */
export function recordCommands(
  connection: Connection,
  options: { sessionTouch?: boolean } = {},
): CommandLog {
  const names: string[] = [];
  const calls: string[] = [];
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (IGNORED.has(event.commandName)) return;
    if (!options.sessionTouch && isSessionTouch(event.command)) return;
    names.push(event.commandName);
    const target = event.command[event.commandName];
    calls.push(typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName);
  };
  client.on('commandStarted', listener);
  return {
    names,
    calls,
    reset: () => {
      names.length = 0;
      calls.length = 0;
    },
    stop: () => {
      client.off('commandStarted', listener);
    },
  };
}
