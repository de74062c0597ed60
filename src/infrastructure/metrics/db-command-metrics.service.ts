import { performance } from 'node:perf_hooks';
import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import {
  type DbCommandOutcome,
  MetricsService,
  NO_COLLECTION,
  OTHER_COLLECTION,
} from 'src/infrastructure/metrics/metrics.service';

/**
 * Every started command gets a succeeded or failed event from the driver; the cap only keeps a
 * driver that broke that promise from growing the map without end.
 */
const PENDING_LIMIT = 10_000;

interface PendingCommand {
  collection: string;
  startedMs: number;
}

/**
 * Feeds the database histogram from the driver's command monitoring (`monitorCommands`, on
 * wherever metrics are, see `DB_MONITOR_COMMANDS`). The outcome events carry no collection, and
 * their `duration` is in whole milliseconds (most commands here take less than one), so the
 * collection and a precise start time are noted when the command starts.
 */
@Injectable()
export class DbCommandMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly clients = new Set<mongo.MongoClient>();
  private readonly pending = new Map<number, PendingCommand>();
  private collections = new Set<string>();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.metrics.enabled) return;
    this.instrument();
    // A first connection that failed is retried with a new client (DatabaseSupervisorService), which
    // announces itself with `connected`; reconnections of the same client do too.
    this.connection.on('connected', this.instrument);
  }

  onApplicationShutdown(): void {
    this.connection.off('connected', this.instrument);
    for (const client of this.clients) {
      client.off('commandStarted', this.started);
      client.off('commandSucceeded', this.succeeded);
      client.off('commandFailed', this.failed);
    }
    this.clients.clear();
    this.pending.clear();
  }

  private readonly instrument = (): void => {
    const client = this.connection.getClient() as mongo.MongoClient | undefined;
    if (!client || this.clients.has(client)) return;
    this.clients.add(client);
    client.on('commandStarted', this.started);
    client.on('commandSucceeded', this.succeeded);
    client.on('commandFailed', this.failed);
  };

  private readonly started = (event: mongo.CommandStartedEvent): void => {
    if (this.pending.size >= PENDING_LIMIT) this.pending.clear();
    this.pending.set(event.requestId, {
      collection: this.collectionOf(event),
      startedMs: performance.now(),
    });
  };

  private readonly succeeded = (event: mongo.CommandSucceededEvent): void =>
    this.finish(event, 'ok');

  private readonly failed = (event: mongo.CommandFailedEvent): void => this.finish(event, 'error');

  private finish(
    event: mongo.CommandSucceededEvent | mongo.CommandFailedEvent,
    outcome: DbCommandOutcome,
  ): void {
    const pending = this.pending.get(event.requestId);
    if (!pending) return;
    this.pending.delete(event.requestId);
    const seconds = (performance.now() - pending.startedMs) / 1000;
    this.metrics.observeDbCommand(event.commandName, pending.collection, outcome, seconds);
  }

  /**
   * The collection a command names (`find: 'users'`; a `getMore` names it in `collection`),
   * limited to the collections of the registered models so that the label stays bounded.
   */
  private collectionOf(event: mongo.CommandStartedEvent): string {
    const target: unknown = event.command[event.commandName];
    const named: unknown =
      typeof target === 'string'
        ? target
        : event.commandName === 'getMore'
          ? event.command.collection
          : undefined;
    if (typeof named !== 'string') return NO_COLLECTION;
    if (!this.collections.has(named)) {
      // Models can be registered after the first command; the list is rebuilt on a miss.
      this.collections = new Set(
        Object.values(this.connection.models).map((model) => model.collection.collectionName),
      );
    }
    return this.collections.has(named) ? named : OTHER_COLLECTION;
  }
}
