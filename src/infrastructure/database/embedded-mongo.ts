/**
 * Starts the project's embedded MongoDB-compatible engine (mongo-java-server behind
 * tools/mongo-engine/Launcher.java) as a child process. Used by the tests and by the
 * zero-config start when no MONGODB_URI is given. Production talks to real MongoDB.
 *
 * The engine must have been prepared first: `node scripts/prepare-engine.mjs`
 * (run by `npm run pretest` / `prestart`).
 *
 * The child's stdin is a pipe that this process never closes; the engine exits when it
 * reaches EOF, so it never outlives this Node process, not even after a SIGKILL. The child
 * does not keep the event loop alive by itself.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

export interface EmbeddedMongoOptions {
  /** H2 (MVStore) file holding the data; relative to projectRoot. Omit for an in-memory engine. */
  dataFile?: string;
  /** TCP port on 127.0.0.1; default 0 = a free port chosen by the OS. */
  port?: number;
  /** Directory holding tools/ and var/engine/; default process.cwd(). */
  projectRoot?: string;
}

export interface EmbeddedMongo {
  /** Connection string, e.g. mongodb://127.0.0.1:41234 (no database name). */
  readonly uri: string;
  /** The port actually listened on; pass it back as `port` to restart on the same address. */
  readonly port: number;
  /** Human-readable engine description, e.g. 'mongo-java-server 1.47.0 (memory)'. */
  readonly engine: string;
  /** Absolute path of the H2 file, or 'memory'. */
  readonly dataLocation: string;
  /** Process id of the Java process. */
  readonly pid: number;
  /** Resolves when the Java process has ended, whatever the reason (stop(), crash, kill). */
  readonly exited: Promise<void>;
  /** Gracefully stops the engine (SIGTERM, SIGKILL after 5 s) and resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const STDERR_LINES_KEPT = 40;
/** Must match scripts/prepare-engine.mjs. */
const STAMP = '.source-sha256';
/**
 * JVM flags: the serial collector suits a small heap on 2 cores; CDS on; no hsperfdata file.
 * -XX:TieredStopAtLevel=1 was measured too: ~30 ms faster to READY (within noise) but 10-20 %
 * slower queries once warm, so the default tiered compiler stays.
 */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-Xshare:auto', '-XX:-UsePerfData'];
const PREPARE_HINT = 'run `node scripts/prepare-engine.mjs` (npm run pretest does it)';

interface EnginePaths {
  jarsDir: string;
  classesDir: string;
  version: string;
}

function locateEngine(root: string): EnginePaths {
  const jarsDir = join(root, 'var', 'engine', 'jars');
  const classesDir = join(root, 'var', 'engine', 'classes');
  const launcherSource = join(root, 'tools', 'mongo-engine', 'Launcher.java');
  const pom = join(root, 'tools', 'mongo-engine', 'pom.xml');

  const coreJar = existsSync(jarsDir)
    ? readdirSync(jarsDir).find((f) => /^mongo-java-server-core-.+\.jar$/.test(f))
    : undefined;
  if (!coreJar) {
    throw new Error(
      `Embedded MongoDB engine is not prepared: no jars in ${jarsDir}; ${PREPARE_HINT}.`,
    );
  }
  if (!existsSync(join(classesDir, 'Launcher.class'))) {
    throw new Error(
      `Embedded MongoDB engine is not prepared: no compiled launcher in ${classesDir}; ${PREPARE_HINT}.`,
    );
  }
  if (existsSync(launcherSource) && existsSync(pom)) {
    const expected = createHash('sha256')
      .update(readFileSync(launcherSource))
      .update(readFileSync(pom))
      .digest('hex');
    const stampFile = join(classesDir, STAMP);
    const actual = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
    if (actual !== expected) {
      throw new Error(
        `Embedded MongoDB engine launcher is out of date with ${launcherSource}; ${PREPARE_HINT}.`,
      );
    }
  }
  const version = coreJar.replace(/^mongo-java-server-core-(.+)\.jar$/, '$1');
  return { jarsDir, classesDir, version };
}

function javaExecutable(): string {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) {
    const candidate = join(javaHome, 'bin', 'java');
    if (existsSync(candidate)) return candidate;
  }
  return 'java';
}

function tail(lines: string[]): string {
  const text = lines.join('\n').trim();
  return text ? `\n--- engine stderr (last lines) ---\n${text}` : '';
}

export async function startEmbeddedMongo(
  options: EmbeddedMongoOptions = {},
): Promise<EmbeddedMongo> {
  const root = resolve(options.projectRoot ?? process.cwd());
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Embedded MongoDB: invalid port ${String(options.port)}`);
  }
  const { jarsDir, classesDir, version } = locateEngine(root);
  const dataLocation = options.dataFile
    ? isAbsolute(options.dataFile)
      ? options.dataFile
      : resolve(root, options.dataFile)
    : 'memory';
  const engine = `mongo-java-server ${version} (${options.dataFile ? 'h2' : 'memory'})`;

  const args = [
    ...JVM_FLAGS,
    '-cp',
    `${classesDir}${delimiter}${join(jarsDir, '*')}`,
    'Launcher',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    ...(options.dataFile ? ['--data', dataLocation] : ['--memory']),
  ];

  const child = spawn(javaExecutable(), args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrLines: string[] = [];
  let stderrPartial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const parts = (stderrPartial + chunk).split('\n');
    stderrPartial = parts.pop() ?? '';
    stderrLines.push(...parts);
    if (stderrLines.length > STDERR_LINES_KEPT)
      stderrLines.splice(0, stderrLines.length - STDERR_LINES_KEPT);
  });
  // Writing to a dead child must not crash the parent; stdin is only held open, never written.
  child.stdin.on('error', () => undefined);

  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => resolveExit());
    child.once('error', () => resolveExit());
  });

  let uri: string;
  try {
    uri = await waitForReady(child, () => [...stderrLines, stderrPartial]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const boundPort = Number(new URL(uri).port);

  // From here on the child must not keep this process alive; when this process ends the
  // pipe on the child's stdin closes and the engine shuts itself down.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as Socket | null)?.unref?.();
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return { uri, port: boundPort, engine, dataLocation, pid: child.pid ?? -1, exited, stop };
}

function waitForReady(
  child: ChildProcessByStdio<Writable, Readable, Readable>,
  stderr: () => string[],
): Promise<string> {
  return new Promise<string>((resolveReady, rejectReady) => {
    let stdoutBuffer = '';
    let settled = false;

    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      child.off('close', onClose);
      child.off('error', onError);
      return true;
    };
    const fail = (error: Error) => {
      if (settle()) rejectReady(error);
    };

    const onStdout = (chunk: string) => {
      if (settled) return; // keep draining so the child never blocks on a full pipe
      stdoutBuffer += chunk;
      let newline: number;
      while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, newline).trim();
        stdoutBuffer = stdoutBuffer.slice(newline + 1);
        const match = /^READY (mongodb:\/\/\S+)$/.exec(line);
        if (match) {
          if (settle()) resolveReady(match[1]);
          return;
        }
      }
    };
    // 'close' (not 'exit'): by then all of stderr has been read.
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      fail(
        new Error(`Embedded MongoDB engine exited before it was ready (${how})${tail(stderr())}`),
      );
    };
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ENOENT'
          ? `'${error.path ?? 'java'}' was not found: a Java 17+ runtime is required (set JAVA_HOME or put java on PATH)`
          : error.message;
      fail(new Error(`Embedded MongoDB engine could not be started: ${reason}`));
    };
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `Embedded MongoDB engine was not ready after ${READY_TIMEOUT_MS / 1000} s${tail(stderr())}`,
          ),
        ),
      READY_TIMEOUT_MS,
    );

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onStdout);
    child.once('close', onClose);
    child.once('error', onError);
  });
}
