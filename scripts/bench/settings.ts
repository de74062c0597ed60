/**
 * Command-line flags and BENCH_* environment settings.
 *
 *   --scales 1,5      data scales to run, each in a fresh engine and database (default: 1)
 *   --endpoints a,b   only these endpoint keys (see ENDPOINT_KEYS); default: all
 *   --out FILE        where the JSON goes (default var/bench/latest.json)
 */
import { join } from 'node:path';
import { root } from 'scripts/bench/processes';

/** The 1× data set; BENCH_USERS etc. override it, and every scale multiplies it. */
export interface DataSize {
  users: number;
  videos: number;
  likes: number;
  comments: number;
  follows: number;
}

export interface Settings {
  /** Seconds per endpoint (after a 1 s warm-up). */
  duration: number;
  /** Seconds of each event-loop phase (quiet, login burst). */
  loopSeconds: number;
  connections: number;
  bcryptRounds: number;
  /** Rows per insertMany batch while seeding. */
  seedBatch: number;
  base: DataSize;
  scales: number[];
  /** Endpoint keys to measure, or null for all. */
  endpoints: string[] | null;
  outFile: string;
}

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}=${raw}: expected a positive number`);
  return value;
};

function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === `--${name}`) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      return value;
    }
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

const KNOWN_FLAGS = new Set(['--scales', '--endpoints', '--out']);

export function readSettings(argv: string[], endpointKeys: readonly string[]): Settings {
  for (const arg of argv) {
    if (arg.startsWith('--') && !KNOWN_FLAGS.has(arg.split('=')[0]))
      throw new Error(`unknown flag ${arg} (known: ${[...KNOWN_FLAGS].join(', ')})`);
  }
  const scales = (flag(argv, 'scales') ?? '1').split(',').map((s) => {
    const value = Number(s.trim());
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--scales: "${s}" is not a positive number`);
    return value;
  });
  if (new Set(scales).size !== scales.length) throw new Error('--scales: a scale is listed twice');

  const endpointsFlag = flag(argv, 'endpoints');
  const endpoints = endpointsFlag ? endpointsFlag.split(',').map((s) => s.trim()) : null;
  for (const key of endpoints ?? []) {
    if (!endpointKeys.includes(key))
      throw new Error(`--endpoints: unknown key "${key}" (known: ${endpointKeys.join(', ')})`);
  }

  return {
    duration: num('BENCH_DURATION', 5),
    // Long enough that the slower probe's p99 rests on 200 samples.
    loopSeconds: num('BENCH_LOOP_SECONDS', 10),
    connections: num('BENCH_CONNECTIONS', 10),
    bcryptRounds: num('BENCH_BCRYPT_ROUNDS', 12),
    seedBatch: num('BENCH_SEED_BATCH', 10_000),
    base: {
      users: num('BENCH_USERS', 200),
      videos: num('BENCH_VIDEOS', 2000),
      likes: num('BENCH_LIKES', 20000),
      comments: num('BENCH_COMMENTS', 5000),
      follows: num('BENCH_FOLLOWS', 2000),
    },
    scales,
    endpoints,
    outFile: flag(argv, 'out') ?? join(root, 'var', 'bench', 'latest.json'),
  };
}

export function scaled(base: DataSize, scale: number): DataSize {
  const times = (n: number): number => Math.max(1, Math.round(n * scale));
  return {
    users: Math.max(2, times(base.users)),
    videos: Math.max(2, times(base.videos)),
    likes: times(base.likes),
    comments: times(base.comments),
    follows: times(base.follows),
  };
}
