import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CounterStore, type CounterState } from 'src/infrastructure/counters/counter-store.port';

interface Window {
  count: number;
  endsAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

@Injectable()
export class MemoryCounterStore extends CounterStore implements OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  // Expired windows are dropped periodically so the map stays bounded by live keys.
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  hit(key: string, windowMs: number): Promise<CounterState> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
  }

  peek(key: string): Promise<CounterState> {
    const now = Date.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return Promise.resolve({ count: 0, resetInMs: 0 });
    return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  refund(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.endsAt > Date.now() && window.count > 0) window.count -= 1;
    return Promise.resolve();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
