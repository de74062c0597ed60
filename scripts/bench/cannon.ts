/**
 * autocannon 8 run as its own process (`--json`), so the load generator never shares an event
 * loop with a server it measures.
 */
import { join } from 'node:path';
import { root, spawnTracked } from 'scripts/bench/processes';

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  '2xx': number;
}

export interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface CannonOptions {
  duration: number;
  connections: number;
  /** Fixed overall rate (req/s); unset = as fast as the server answers. */
  rate?: number;
}

export function cannon(target: Target, options: CannonOptions): Promise<CannonResult> {
  const args = [
    join(root, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '--connections',
    String(options.connections),
    '--duration',
    String(options.duration),
    '--method',
    target.method ?? 'GET',
  ];
  if (options.rate) args.push('--overallRate', String(options.rate));
  for (const [key, value] of Object.entries(target.headers ?? {}))
    args.push('--headers', `${key}=${value}`);
  if (target.body !== undefined) args.push('--body', target.body);
  args.push(target.url);
  return new Promise((resolveRun, reject) => {
    const child = spawnTracked(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolveRun(JSON.parse(line) as CannonResult);
      } catch {
        reject(new Error(`autocannon exited ${String(code ?? signal)}: ${err.slice(-500)}`));
      }
    });
  });
}
