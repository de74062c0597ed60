#!/usr/bin/env node
// Makes sure the embedded MongoDB-compatible engine (tools/mongo-engine) is ready to start:
//   var/engine/jars/     mongo-java-server and its dependencies, fetched with Maven
//   var/engine/classes/  tools/mongo-engine/Launcher.java compiled with javac
// Each step runs only when its output is missing or was built from a different pom/launcher
// (a SHA-256 stamp records the inputs), so a second run takes a few milliseconds.
// Plain Node ESM with builtins only: runs on the system Node 20 as well as on the pinned Node 24.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = process.hrtime.bigint();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = join(root, 'tools', 'mongo-engine');
const pomFile = join(toolDir, 'pom.xml');
const launcherFile = join(toolDir, 'Launcher.java');
const engineDir = join(root, 'var', 'engine');
const jarsDir = join(engineDir, 'jars');
const classesDir = join(engineDir, 'classes');
// Must match the stamp check in src/infrastructure/database/embedded-mongo.ts.
const STAMP = '.source-sha256';

function fail(message) {
  console.error(`prepare-engine: ${message}`);
  process.exit(1);
}

class PrepareError extends Error {}

function sha256(...files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex');
}

function readStamp(dir) {
  try {
    return readFileSync(join(dir, STAMP), 'utf8').trim();
  } catch {
    return null;
  }
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a JDK tool: $JAVA_HOME/bin first (like Maven does), then PATH. */
function findTool(name, { preferJavaHome = true } = {}) {
  const javaHome = process.env.JAVA_HOME;
  if (preferJavaHome && javaHome && isExecutable(join(javaHome, 'bin', name))) {
    return join(javaHome, 'bin', name);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function requireTool(name, hint, options) {
  const tool = findTool(name, options);
  if (!tool) fail(`'${name}' was not found (JAVA_HOME/bin or PATH). ${hint}`);
  return tool;
}

function run(command, args, what) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Throws (rather than exiting) so that buildInto() can remove its temporary directory.
  if (result.error) throw new PrepareError(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .trim()
      .split('\n')
      .slice(-30)
      .join('\n');
    throw new PrepareError(`${what} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
}

/** Builds into a fresh temporary directory, then swaps it in, so an interrupted run never looks complete. */
function buildInto(targetDir, stamp, build) {
  const tmpDir = `${targetDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  try {
    build(tmpDir);
    writeFileSync(join(tmpDir, STAMP), `${stamp}\n`);
    rmSync(targetDir, { recursive: true, force: true });
    renameSync(tmpDir, targetDir);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

const hint =
  'The embedded database engine needs a JDK 17+ and Maven 3 (Debian: apt-get install openjdk-17-jdk-headless maven).';
requireTool('java', hint);

function prepare() {
  const done = [];

  const jarsStamp = sha256(pomFile);
  const haveJars =
    readStamp(jarsDir) === jarsStamp &&
    readdirSync(jarsDir).some((f) => /^mongo-java-server-core-.*\.jar$/.test(f));
  if (!haveJars) {
    const mvn = requireTool('mvn', hint, { preferJavaHome: false });
    const t = Date.now();
    buildInto(jarsDir, jarsStamp, (dir) =>
      run(
        mvn,
        ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`],
        'Maven (fetching the engine jars)',
      ),
    );
    const count = readdirSync(jarsDir).filter((f) => f.endsWith('.jar')).length;
    done.push(`fetched ${count} jars with Maven in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  // The compiled launcher depends on the launcher source and on the jars it was compiled against.
  const classesStamp = sha256(launcherFile, pomFile);
  const haveClasses =
    readStamp(classesDir) === classesStamp && existsSync(join(classesDir, 'Launcher.class'));
  if (!haveClasses) {
    const javac = requireTool('javac', hint);
    const t = Date.now();
    buildInto(classesDir, classesStamp, (dir) =>
      run(
        javac,
        ['--release', '17', '-nowarn', '-d', dir, '-cp', join(jarsDir, '*'), launcherFile],
        'javac (compiling the engine launcher)',
      ),
    );
    done.push(`compiled the launcher in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const version = readdirSync(jarsDir)
    .find((f) => /^mongo-java-server-core-.*\.jar$/.test(f))
    ?.replace(/^mongo-java-server-core-(.*)\.jar$/, '$1');
  console.log(
    `prepare-engine: mongo-java-server ${version} ${done.length ? done.join('; ') : 'already prepared'} (var/engine, ${ms.toFixed(0)} ms)`,
  );
}

try {
  prepare();
} catch (error) {
  if (error instanceof PrepareError) fail(error.message);
  throw error;
}
