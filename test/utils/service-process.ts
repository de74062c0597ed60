import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort } from 'test/utils/free-port';

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * Runs `src/main.ts` as its own process (as `npm start` would, compiled on the fly), for the
 * tests that need real signals, process exits or several instances.
 */
export async function startService(
  env: Record<string, string>,
  options: { waitFor?: 'live' | 'ready' } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  let log = '';
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'),
        NODE_ENV: 'test',
        PORT: String(port),
        LOG_FILES: 'false',
        LOG_LEVEL: 'warn',
        BCRYPT_ROUNDS: '4',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/health/${options.waitFor ?? 'ready'}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start within 60 s:\n${log}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    url,
    port,
    child,
    output: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
