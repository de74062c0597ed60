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
 * Records every database round trip the driver makes (the app must be created with
 * `DB_MONITOR_COMMANDS=true`). Used to prove list endpoints issue a constant number of queries,
 * whatever the page size (no N+1).
 */
export function recordCommands(connection: Connection): CommandLog {
  const names: string[] = [];
  const calls: string[] = [];
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (IGNORED.has(event.commandName)) return;
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
