import { EventEmitter } from 'node:events';
import { PubSub } from 'src/infrastructure/pubsub/pubsub.port';

/** One process's pub/sub: the default without Redis (a single instance, tests). */
export class MemoryPubSub extends PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: string): Promise<void> {
    this.emitter.emit(channel, message);
    return Promise.resolve();
  }

  subscribe(channel: string, listener: (message: string) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}
