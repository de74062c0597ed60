/**
 * Database commands per request, counted on the in-process instance (B) with the driver's
 * command monitoring (DB_MONITOR_COMMANDS=true).
 */
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { Observable } from 'rxjs';

export interface CommandEntry {
  phase: 'auth' | 'rest';
  name: string;
}

/** What one request sent: commands before the guards finished (auth) and after (rest). */
export interface DbCommands {
  auth: number;
  rest: number;
  authCommands: string[];
  restCommands: string[];
}

export class CommandCounter {
  afterGuards = false;
  entries: CommandEntry[] = [];
  private static readonly ignored = new Set([
    'hello',
    'ismaster',
    'isMaster',
    'ping',
    'saslStart',
    'saslContinue',
    'endSessions',
    'killCursors',
  ]);

  attach(connection: Connection): void {
    connection
      .getClient()
      .on('commandStarted', (event: { commandName: string; command: Record<string, unknown> }) => {
        if (CommandCounter.ignored.has(event.commandName)) return;
        const collection = event.command[event.commandName];
        this.entries.push({
          phase: this.afterGuards ? 'rest' : 'auth',
          name: `${event.commandName}${typeof collection === 'string' ? ` ${collection}` : ''}`,
        });
      });
  }

  reset(): void {
    this.afterGuards = false;
    this.entries = [];
  }

  snapshot(): DbCommands {
    const auth = this.entries.filter((e) => e.phase === 'auth').map((e) => e.name);
    const rest = this.entries.filter((e) => e.phase === 'rest').map((e) => e.name);
    return { auth: auth.length, rest: rest.length, authCommands: auth, restCommands: rest };
  }
}

/**
 * Bench-only global interceptor on the in-process instance: interceptors run after every guard
 * (rate limit, authentication), so commands seen before it are the authentication's.
 */
@Injectable()
export class GuardBoundaryInterceptor implements NestInterceptor {
  constructor(private readonly counter: CommandCounter) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.counter.afterGuards = true;
    return next.handle();
  }
}
