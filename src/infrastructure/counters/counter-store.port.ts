export interface CounterState {
  /** Hits counted in the current window. */
  count: number;
  /** Milliseconds until the window ends (0 when no window is open). */
  resetInMs: number;
}

/**
 * Fixed-window counters shared by the rate limits and the login-failure buckets. In memory for
 * one instance; in Redis (THROTTLE_REDIS_URL) so several instances share the same counts.
 */
export abstract class CounterStore {
  /** Counts one hit; the window starts with the first hit and lasts `windowMs`. */
  abstract hit(key: string, windowMs: number): Promise<CounterState>;
  /** The current state without counting. */
  abstract peek(key: string): Promise<CounterState>;
  abstract reset(key: string): Promise<void>;
  /**
   * Gives back one hit counted in the current window (a reservation that turned out not to be
   * needed), never going below zero; the window keeps its end. A no-op when no window is open.
   */
  abstract refund(key: string): Promise<void>;
}
