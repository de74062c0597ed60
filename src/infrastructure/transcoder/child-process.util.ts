import { spawn } from 'node:child_process';

/** The end of stderr kept for a log line (ffmpeg can write a lot before it gives up). */
const STDERR_TAIL_BYTES = 4096;

export interface RunOptions {
  /** Aborting kills the child (SIGKILL) and rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Called with each chunk of stdout (ffmpeg's `-progress pipe:1`). */
  onStdout?: (chunk: string) => void;
  /** Keep the whole stdout (ffprobe's JSON) rather than streaming it to `onStdout`. */
  collectStdout?: boolean;
  /** `nice` value to run the binary at (> 0 runs it through `nice -n`). */
  niceness?: number;
  /**
   * Run it in the Linux SCHED_IDLE class (through `chrt --idle 0`): it gets only the CPU time
   * nothing else wants, and any woken request handler preempts it at once.
   */
  idleClass?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
}

/**
 * Runs a binary with `spawn` (never a shell, never a synchronous call: the event loop keeps
 * serving while it runs) and resolves with its exit, whatever the code. Rejects when it cannot
 * be started (ENOENT) or when `signal` aborts it; the child is then killed and the promise
 * settles only once it has exited, so nothing it writes comes after.
 */
export function runProcess(
  file: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const [command, ...commandArgs] = prioritised(file, args, options);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError());
      return;
    }
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (options.collectStdout) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    // 'close': the process has exited and its pipes are drained.
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(abortError());
      else resolve({ code, signal, stdout, stderrTail: stderr.trim() });
    });
  });
}

/** The command line with its CPU priority wrappers: `[chrt --idle 0] [nice -n N] file args`. */
export function prioritised(
  file: string,
  args: string[],
  options: Pick<RunOptions, 'niceness' | 'idleClass'>,
): [string, ...string[]] {
  const niceness = options.niceness ?? 0;
  const niced: [string, ...string[]] =
    niceness > 0 ? ['nice', '-n', String(niceness), file, ...args] : [file, ...args];
  return options.idleClass ? ['chrt', '--idle', '0', ...niced] : niced;
}

function abortError(): Error {
  const error = new Error('The process was cancelled');
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError'
  );
}
