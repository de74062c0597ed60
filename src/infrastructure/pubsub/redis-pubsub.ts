import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PubSub } from 'src/infrastructure/pubsub/pubsub.port';

const PREFIX = 'dancely:pubsub:';

/**
 * Redis pub/sub: one connection publishes, one subscribes (a subscribed connection can do
 * nothing else). A channel is subscribed in Redis while this process has a listener on it.
 */
export class RedisPubSub extends PubSub implements OnApplicationShutdown {
  private readonly logger = new Logger('RedisPubSub');
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(url: string, operationTimeoutMs: number) {
    super();
    const options = {
      maxRetriesPerRequest: 1,
      commandTimeout: operationTimeoutMs,
      connectTimeout: operationTimeoutMs,
    };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, commandTimeout: undefined });
    for (const connection of [this.publisher, this.subscriber])
      connection.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel.slice(PREFIX.length)) ?? [])
        listener(message);
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(PREFIX + channel, message);
  }

  subscribe(channel: string, listener: (message: string) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscriber.subscribe(PREFIX + channel).catch((error: Error) => {
        this.logger.warn(`Subscribing to ${channel} failed: ${error.message}`);
      });
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.subscriber.unsubscribe(PREFIX + channel).catch((error: Error) => {
        this.logger.warn(`Unsubscribing from ${channel} failed: ${error.message}`);
      });
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }
}
