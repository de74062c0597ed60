import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { type Connection, ConnectionStates } from 'mongoose';
import { describeError } from 'src/common/errors/describe-error.util';
import { DatabaseEngineService } from 'src/infrastructure/database/database-engine.service';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;

/**
 * Keeps the service usable whatever the database does: the first connection is retried until it
 * succeeds (the driver only reconnects on its own after a first success), indexes are ensured on
 * every (re)connection, and on shutdown the connection closes before the embedded engine stops.
 */
@Injectable()
export class DatabaseSupervisorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readyPromise: Promise<void>;
  private markReady!: () => void;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly engine: DatabaseEngineService,
  ) {
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Resolves once connected with every index in place (used by tests and the benchmark). */
  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  onApplicationBootstrap(): void {
    this.connection.on('connected', () => void this.ensureIndexes());
    this.connection.on('disconnected', () => {
      if (!this.stopped)
        this.logger.warn('Database connection lost; the driver keeps reconnecting');
    });
    this.connection.on('reconnected', () => this.logger.log('Database connection restored'));
    if (this.connection.readyState === ConnectionStates.connected) {
      void this.ensureIndexes();
    } else {
      void this.connectUntilUp();
    }
  }

  /** The driver reconnects by itself only after a first success, so the first one is retried here. */
  private async connectUntilUp(): Promise<void> {
    let delayMs = RETRY_MIN_MS;
    let attempt: Promise<unknown> = this.connection.asPromise();
    for (;;) {
      try {
        await attempt;
        return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(
          `Database not reachable (${describeError(error, { withName: true })}); retrying in ${delayMs} ms`,
        );
      }
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, delayMs)));
      if (this.stopped) return;
      delayMs = Math.min(delayMs * 2, RETRY_MAX_MS);
      const { uri, options } = this.engine.target();
      attempt = this.connection.openUri(uri, options);
    }
  }

  private async ensureIndexes(): Promise<void> {
    try {
      await Promise.all(
        Object.values(this.connection.models).map((model) => model.createIndexes()),
      );
      this.markReady();
    } catch (error) {
      this.logger.error(`Could not ensure indexes: ${describeError(error, { withName: true })}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.connection.close().catch(() => undefined);
    await this.engine.stop();
  }
}
