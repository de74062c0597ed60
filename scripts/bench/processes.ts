/**
 * Child processes, clean-up and CPU accounting for the bench.
 *
 * Every process the bench starts (the service, the bare baseline, each autocannon run) is
 * tracked here by its own ChildProcess handle, and every other resource (the in-process app,
 * the engine, the scratch folder) is registered in a Scope. On SIGINT/SIGTERM/SIGHUP the bench
 * stops exactly those, never anything found by name.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const root = resolve(__dirname, '..', '..');

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// tracked children

const running = new Set<ChildProcess>();

/** Spawns a tracked child; it leaves the set when it exits. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** A Node child (same runtime as the bench) with a minimal environment. */
export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawnTracked(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// scopes: resources released in reverse order, once, on normal exit or on a signal

const openScopes = new Set<Scope>();

export class Scope {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private closing: Promise<void> | undefined;

  constructor() {
    openScopes.add(this);
  }

  defer(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run: async () => run() });
  }

  /** Runs every deferred step in reverse order (each bounded to 15 s); idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const step of this.steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            step.run(),
            new Promise<void>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out after 15 s')), 15_000);
            }),
          ]);
        } catch (error) {
          log(`clean-up "${step.name}" failed: ${String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }
      openScopes.delete(this);
    })();
    return this.closing;
  }
}

/** Stops every tracked child, then closes every open scope (newest first). */
export async function cleanUpEverything(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
  for (const scope of [...openScopes].reverse()) await scope.close();
}

/**
 * Ctrl-C (and SIGTERM/SIGHUP): stop our own children, the in-process app and the engine, then
 * exit. A second signal exits at once; the engine still stops by itself when this process ends
 * (it exits when its stdin pipe closes).
 */
export function installSignalHandlers(): void {
  let stopping = false;
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const signal of Object.keys(codes) as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (stopping) process.exit(codes[signal]);
      stopping = true;
      log(`${signal}: stopping the bench's children and the engine`);
      void cleanUpEverything().finally(() => process.exit(codes[signal]));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// CPU time from /proc

const CLOCK_TICKS = ((): number => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** CPU time (utime + stime, all threads) a process has used so far, in ms; NaN if unknown. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined || pid <= 0) return Number.NaN;
  // utime is field 14, stime field 15.
  return statTicksMs(pid, 14, 15);
}

/**
 * CPU time (cutime + cstime) of the children a process has waited for, in ms: the whole life of
 * every child that has exited and been reaped (Node reaps its own), none of a running one.
 */
export function childrenCpuMs(pid: number | 'self' = 'self'): number {
  // cutime is field 16, cstime field 17.
  return statTicksMs(pid, 16, 17);
}

/** The sum of two clock-tick fields of `/proc/<pid>/stat` (numbered as in proc(5)), in ms; NaN if unknown. */
function statTicksMs(pid: number | 'self', first: number, second: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may contain spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[first - 3]) + Number(fields[second - 3])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The executable name of a process (`/proc/<pid>/comm`), for checking a PID is what we think. */
export function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Waits until the given processes are idle: two consecutive 250 ms windows in which together
 * they used at most 20 ms of CPU. Requests still in flight when a load run ends (or slow ones
 * still running in the engine) would otherwise be billed to the next endpoint.
 * Returns how long it waited, and whether it reached quiet before `maxMs`.
 */
export async function settle(
  pids: number[],
  maxMs = 300_000,
): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = Date.now();
  const total = (): number => pids.reduce((sum, pid) => sum + (cpuMs(pid) || 0), 0);
  let previous = total();
  let quietWindows = 0;
  while (Date.now() - started < maxMs) {
    await sleep(250);
    const now = total();
    quietWindows = now - previous <= 20 ? quietWindows + 1 : 0;
    previous = now;
    if (quietWindows >= 2) return { waitedMs: Date.now() - started, quiet: true };
  }
  return { waitedMs: Date.now() - started, quiet: false };
}
