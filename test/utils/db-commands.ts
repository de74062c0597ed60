import type { Connection } from 'mongoose';

export interface CommandLog {
  /** Command names seen since the last reset, in order (e.g. `find`, `aggregate`, `count`). */
  names: string[];
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
 * Records every database round trip the driver makes (the app must be created with
 * `DB_MONITOR_COMMANDS=true`). Used to prove list endpoints issue a constant number of queries,
 * whatever the page size (no N+1).
 */
export function recordCommands(connection: Connection): CommandLog {
  const names: string[] = [];
  const client = connection.getClient();
  const listener = (event: { commandName: string }): void => {
    if (!IGNORED.has(event.commandName)) names.push(event.commandName);
  };
  client.on('commandStarted', listener);
  return {
    names,
    reset: () => {
      names.length = 0;
    },
    stop: () => {
      client.off('commandStarted', listener);
    },
  };
}
