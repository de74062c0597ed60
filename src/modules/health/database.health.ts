import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { type Connection, ConnectionStates } from 'mongoose';

const PING_TIMEOUT_MS = 3000;

/**
 * `down` at once when the driver already knows the connection is gone, otherwise a ping with
 * a 3 s timeout. The body carries only `status`: no driver messages leave.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    const db = this.connection.db;
    if (this.connection.readyState !== ConnectionStates.connected || !db) return indicator.down();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.command({ ping: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch {
      return indicator.down();
    } finally {
      clearTimeout(timer);
    }
  }
}
