/**
 * Messages between the instances of the service, by channel: what one instance publishes, every
 * subscriber of the channel on every instance receives (Redis pub/sub when configured), or on
 * this instance only (in-process). At most once, no history: a subscriber that was not
 * listening misses the message, so what it carries must be re-readable from the database.
 */
export abstract class PubSub {
  abstract publish(channel: string, message: string): Promise<void>;

  /** Listens to a channel until the returned function is called. */
  abstract subscribe(channel: string, listener: (message: string) => void): () => void;
}
