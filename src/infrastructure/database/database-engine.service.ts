import { Injectable, Logger } from '@nestjs/common';
import type { ConnectOptions } from 'mongoose';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { type EmbeddedMongo, startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';

export const DATABASE_NAME = 'dancely';

/**
 * Decides which database the service talks to: MONGODB_URI when set, otherwise an embedded
 * MongoDB-compatible engine started (and later stopped) with the service.
 */
@Injectable()
export class DatabaseEngineService {
  private readonly logger = new Logger('Database');
  private embedded: EmbeddedMongo | null = null;
  private resolved: { uri: string; options: ConnectOptions } | null = null;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** Driver options shared by the first connection and every retry of it. */
  connectOptions(): ConnectOptions {
    const { operationTimeoutMs, minPoolSize, maxPoolSize, monitorCommands } = this.config.database;
    return {
      // Operations fail fast (503) instead of queueing while the database is away.
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: operationTimeoutMs,
      connectTimeoutMS: operationTimeoutMs,
      waitQueueTimeoutMS: operationTimeoutMs,
      heartbeatFrequencyMS: 2000,
      minPoolSize,
      maxPoolSize,
      monitorCommands,
    };
  }

  /** The URI and options of the connection, once `resolveUri` has run. */
  target(): { uri: string; options: ConnectOptions } {
    if (!this.resolved) throw new Error('Database target not resolved yet');
    return this.resolved;
  }

  async resolveUri(): Promise<string> {
    const uri = await this.startOrUseConfigured();
    this.resolved = { uri, options: this.connectOptions() };
    return uri;
  }

  private async startOrUseConfigured(): Promise<string> {
    const configured = this.config.database.uri;
    if (configured) {
      this.logger.log(`Using MongoDB at ${redactCredentials(configured)}`);
      return configured;
    }
    const dataFile = this.config.database.embeddedDataFile ?? undefined;
    this.embedded = await startEmbeddedMongo({ dataFile });
    this.logger.log(
      `No MONGODB_URI set: started embedded engine ${this.embedded.engine}; data in ${this.embedded.dataLocation}`,
    );
    return `${this.embedded.uri}/${DATABASE_NAME}`;
  }

  async stop(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = null;
    if (embedded) {
      await embedded.stop();
      this.logger.log('Embedded engine stopped');
    }
  }
}

function redactCredentials(uri: string): string {
  return uri.replace(/\/\/[^@/]+@/, '//***@');
}
