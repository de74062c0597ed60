/*
 * Cost of HLS processing (issue 16): how long and how much CPU the system ffmpeg takes to turn a
 * 30 s 720p H.264/AAC clip into HLS renditions, and how much the latency of other requests rises
 * while it runs (the issue expects p99 to rise by less than 10 ms: ffmpeg runs under `nice`, one
 * transcode at a time).
 *
 * This process makes the clip with ffmpeg (testsrc2 + sine, in a scratch directory), then runs
 * the real AppModule (embedded engine, in memory; local storage in the scratch directory;
 * VIDEO_TRANSCODING=auto; every rate limit raised) and uploads through the API:
 *   1. Transcode: one multipart `POST /api/v1/video`, then the owner's `GET /api/v1/video/:id`
 *      polled every 250 ms. Reported: wall time from the upload's answer to
 *      `processing.state === 'ready'` (and the part spent queued), the CPU time of the app's
 *      children over the run (cutime + cstime of this process from /proc/self/stat: ffprobe and
 *      ffmpeg, counted once each has exited and been reaped; nothing else runs meanwhile), the
 *      peak RSS of ffmpeg (VmHWM, sampled), and the renditions of the master playlist.
 *   2. Latency: autocannon (its own process, as in `npm run bench`) against a cheap endpoint,
 *      first with nothing else running ("idle"), then while a transcode of the same clip runs
 *      ("transcoding": a second upload, the load starts once its state is `processing`). Reported:
 *      req/s, p50, p99 and max for both, the rise of p99, and the share of the loaded window the
 *      transcode was actually running (a short clip can finish before the load does).
 * Prints markdown tables and writes the JSON to TRANSCODE_OUT.
 *
 * Usage:
 *   node scripts/prepare-engine.mjs   # once
 *   node_modules/.bin/node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/measure-transcode.ts
 *   (or `npm run measure:transcode`)
 * Env:
 *   TRANSCODE_CLIP_SECONDS      length of the clip (30)
 *   TRANSCODE_LOAD_SECONDS      length of each load phase (15)
 *   TRANSCODE_LOAD_PATH         the endpoint loaded (/api/v1/video?limit=12; /health/live is cheaper)
 *   TRANSCODE_LOAD_CONNECTIONS  autocannon connections (10)
 *   TRANSCODE_LOAD_RATE         overall req/s of the load (100); 0 = as fast as the server answers,
 *                               which measures saturation (queueing), not the latency of a request
 *   TRANSCODE_OUT               the JSON (var/bench/transcode.json)
 *   VIDEO_PROCESSING_NICE, VIDEO_PROCESSING_CONCURRENCY are the app's own (10 and 1 by default).
 * Exit code 1 when processing does not reach `ready`, 2 when p99 rises by 10 ms or more.
 * Ctrl-C stops autocannon, the app (which kills its ffmpeg) and the engine, and nothing else.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cannon, type CannonResult } from 'scripts/bench/cannon';
import {
  childrenCpuMs,
  cpuMs,
  installSignalHandlers,
  processName,
  root,
  Scope,
  sleep,
} from 'scripts/bench/processes';
import { startMeasuredApp } from 'scripts/bench/measured-app';
import { Transcoder } from 'src/infrastructure/transcoder/transcoder.service';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';
import { tinyPng } from 'test/fixtures/media.fixture';

const CLIP_SECONDS = Number(process.env.TRANSCODE_CLIP_SECONDS ?? 30);
const LOAD_SECONDS = Number(process.env.TRANSCODE_LOAD_SECONDS ?? 15);
const LOAD_PATH = process.env.TRANSCODE_LOAD_PATH ?? '/api/v1/video?limit=12';
const LOAD_CONNECTIONS = Number(process.env.TRANSCODE_LOAD_CONNECTIONS ?? 10);
const LOAD_RATE = Number(process.env.TRANSCODE_LOAD_RATE ?? 100);
const OUT = resolve(root, process.env.TRANSCODE_OUT ?? 'var/bench/transcode.json');
/** How long processing may take before the run gives up (a loaded 2-core machine is slow). */
const PROCESSING_DEADLINE_MS = Math.max(120_000, CLIP_SECONDS * 20_000);
const P99_RISE_TARGET_MS = 10;
const MB = 1024 * 1024;

type State = 'queued' | 'processing' | 'ready' | 'failed';
interface Card {
  _id: string;
  videoFile: { url: string; hlsUrl: string | null };
  processing: { state: State; progress: number; error: string | null } | null;
}

function log(message: string): void {
  process.stderr.write(`measure-transcode: ${message}\n`);
}

/** The test clip: testsrc2 at 1280×720, 30 fps, with a 440 Hz tone, H.264/AAC, +faststart. */
const CLIP = {
  pattern: 'testsrc2',
  width: 1280,
  height: 720,
  fps: 30,
  preset: 'veryfast',
  audioBitrate: '128k',
} as const;

/** The PIDs of this process's live children (every thread's), from /proc. */
function childPids(): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync('/proc/self/task')) {
      const list = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
      if (list) pids.push(...list.split(' ').map(Number));
    }
  } catch {
    // not Linux, or a thread ended while it was read
  }
  return pids;
}

function peakRssBytes(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Watches this process's ffmpeg/ffprobe children every 200 ms: their PIDs, their last CPU time
 * seen (a lower bound: the time after the last sample is missed) and ffmpeg's peak RSS.
 */
function watchTranscoders(): () => {
  processes: { pid: number; name: string; cpuMsSampled: number; peakRssMb: number }[];
} {
  const seen = new Map<number, { name: string; cpu: number; peak: number }>();
  const sample = (): void => {
    for (const pid of childPids()) {
      const name = processName(pid);
      if (name !== 'ffmpeg' && name !== 'ffprobe') continue;
      const entry = seen.get(pid) ?? { name, cpu: 0, peak: 0 };
      const cpu = cpuMs(pid);
      if (Number.isFinite(cpu)) entry.cpu = Math.max(entry.cpu, cpu);
      entry.peak = Math.max(entry.peak, peakRssBytes(pid));
      seen.set(pid, entry);
    }
  };
  const timer = setInterval(sample, 200);
  return () => {
    clearInterval(timer);
    return {
      processes: [...seen].map(([pid, entry]) => ({
        pid,
        name: entry.name,
        cpuMsSampled: Math.round(entry.cpu),
        peakRssMb: Number((entry.peak / MB).toFixed(1)),
      })),
    };
  };
}

interface Api {
  base: string;
  owner: TestUser;
}

async function upload(api: Api, clip: Buffer, title: string): Promise<Card> {
  const form = new FormData();
  form.set('title', title);
  form.set('isPublished', 'true');
  form.set('video', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
  form.set('thumbnail', new Blob([tinyPng()], { type: 'image/png' }), 'thumb.png');
  const res = await fetch(`${api.base}/api/v1/video`, {
    method: 'POST',
    headers: { Authorization: api.owner.authHeader },
    body: form,
  });
  const body = (await res.json()) as { data?: Card; message?: string };
  if (res.status !== 201 || !body.data)
    throw new Error(`upload → HTTP ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

async function ownersView(api: Api, videoId: string): Promise<Card> {
  const res = await fetch(`${api.base}/api/v1/video/${videoId}`, {
    headers: { Authorization: api.owner.authHeader },
  });
  const body = (await res.json()) as { data?: Card };
  if (res.status !== 200 || !body.data) throw new Error(`GET video → HTTP ${res.status}`);
  return body.data;
}

/** Polls the owner's view until the state is one of `states`; returns it and when it was seen. */
async function waitForState(
  api: Api,
  videoId: string,
  states: State[],
  intervalMs: number,
): Promise<{ card: Card; at: number }> {
  const deadline = Date.now() + PROCESSING_DEADLINE_MS;
  for (;;) {
    const card = await ownersView(api, videoId);
    const state = card.processing?.state ?? 'ready';
    if (states.includes(state)) return { card, at: performance.now() };
    if (state === 'failed' || Date.now() > deadline)
      throw new Error(`video ${videoId} is ${JSON.stringify(card.processing)}`);
    await sleep(intervalMs);
  }
}

interface Rendition {
  resolution: string;
  bandwidth: number;
  segments: number;
}

/** The master playlist's variants, with the segments each media playlist lists. */
async function renditionsOf(api: Api, hlsUrl: string): Promise<Rendition[]> {
  const local = (url: string): string => `${api.base}${new URL(url).pathname}`;
  const master = await (await fetch(local(hlsUrl))).text();
  const renditions: Rendition[] = [];
  for (const [, info, uri] of master.matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)) {
    const playlist = await (await fetch(local(new URL(uri, hlsUrl).toString()))).text();
    renditions.push({
      resolution: /RESOLUTION=(\d+x\d+)/.exec(info)?.[1] ?? '?',
      bandwidth: Number(/(?:^|,)BANDWIDTH=(\d+)/.exec(info)?.[1] ?? 0),
      segments: playlist.split('\n').filter((line) => line.trim().endsWith('.ts')).length,
    });
  }
  return renditions;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

interface LoadPhase {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  responses: number;
  non2xx: number;
  errors: number;
}

function phase(result: CannonResult): LoadPhase {
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    responses: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function firstLine(command: string, args: string[]): string {
  const out = spawnSync(command, args, { encoding: 'utf8' });
  return (out.stdout ?? '').split('\n')[0].trim() || '?';
}

async function main(): Promise<void> {
  installSignalHandlers();
  const scope = new Scope();
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  try {
    const scratch = mkdtempSync(join(tmpdir(), 'dancely-transcode-'));
    scope.defer('scratch directory', () => rmSync(scratch, { recursive: true, force: true }));

    const clipPath = join(scratch, 'clip-720p.mp4');
    log(`making a ${CLIP_SECONDS} s 720p clip`);
    await makeMp4(clipPath, { ...CLIP, seconds: CLIP_SECONDS });
    const clip = readFileSync(clipPath);

    const engine = await startEmbeddedMongo();
    scope.defer('engine', () => engine.stop());
    const rateLimits = Object.fromEntries(
      [
        'GLOBAL',
        'LOGIN',
        'REGISTER',
        'CODE_CHECK',
        'EMAIL_SEND',
        'LOGIN_FAILURES',
        'LOGIN_FAILURES_ACCOUNT',
      ].map((name) => [`RATE_LIMIT_${name}`, '100000000']),
    );
    const { app, harness, origin } = await startMeasuredApp(
      `${engine.uri}/measure_transcode`,
      scratch,
      { VIDEO_TRANSCODING: 'auto', ...rateLimits },
    );
    scope.defer('app', () => app.close());
    const config = harness.config;
    const mediaDir = config.media.localDir;
    const api: Api = { base: origin, owner: await createVerifiedUser(harness) };
    const { concurrency, niceness } = config.media.processing;
    const cpuClass = app.get(Transcoder).cpuClass;

    // 1. One transcode alone.
    log('transcode 1: upload, then wait for ready');
    const cpuBefore = childrenCpuMs();
    const stopWatching = watchTranscoders();
    const first = await upload(api, clip, 'Transcode measurement');
    const answeredAt = performance.now();
    if (first.processing?.state === 'ready')
      throw new Error('the video was ready at once: is ffmpeg installed (transcoder: absent)?');
    const started = await waitForState(api, first._id, ['processing', 'ready'], 250);
    const ready = await waitForState(api, first._id, ['ready'], 250);
    const watched = stopWatching();
    // The children are reaped as they exit; a moment for the last one to be counted.
    await sleep(300);
    const childCpuMs = childrenCpuMs() - cpuBefore;
    const hlsUrl = ready.card.videoFile.hlsUrl;
    if (!hlsUrl) throw new Error('ready without an HLS URL');
    const renditions = await renditionsOf(api, hlsUrl);
    const transcode = {
      wallSeconds: Number(((ready.at - answeredAt) / 1000).toFixed(2)),
      queuedSeconds: Number(((started.at - answeredAt) / 1000).toFixed(2)),
      childCpuSeconds: Number((childCpuMs / 1000).toFixed(2)),
      childCpuPerClipSecond: Number((childCpuMs / 1000 / CLIP_SECONDS).toFixed(3)),
      children: watched.processes,
      renditions,
      outputMb: Number((bytesUnder(join(mediaDir, 'hls')) / MB).toFixed(2)),
    };

    // 2. Latency of a cheap endpoint, idle and while a transcode runs.
    const target = { url: `${api.base}${LOAD_PATH}` };
    const load = {
      duration: LOAD_SECONDS,
      connections: LOAD_CONNECTIONS,
      rate: LOAD_RATE || undefined,
    };
    log(`warm-up load on ${LOAD_PATH}`);
    await cannon(target, { ...load, duration: 2 });
    log(`idle load: ${LOAD_SECONDS} s`);
    const idle = phase(await cannon(target, load));

    log('transcode 2: upload, load once it is processing');
    const second = await upload(api, clip, 'Transcode measurement under load');
    const running = await waitForState(api, second._id, ['processing', 'ready'], 100);
    if (running.card.processing?.state === 'ready')
      log('warning: transcode 2 was ready before the load began (a longer clip overlaps)');
    const loadFrom = performance.now();
    let readyAt: number | null = null;
    const watcher = waitForState(api, second._id, ['ready'], 500).then((seen) => {
      readyAt = seen.at;
    });
    const busy = phase(await cannon(target, load));
    const loadTo = performance.now();
    await watcher;
    const overlap = Math.min(
      1,
      Math.max(0, ((readyAt ?? loadTo) - loadFrom) / (loadTo - loadFrom)),
    );
    const p99RiseMs = busy.p99Ms - idle.p99Ms;

    const result = {
      startedAt,
      finishedAt: new Date().toISOString(),
      commit: firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
      machine: {
        cores: cpus().length,
        cpuModel: cpus()[0]?.model ?? '?',
        memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
        node: process.version,
        ffmpeg: firstLine('ffmpeg', ['-version']),
        loadAverage: { start: loadStart, end: loadavg() },
      },
      settings: {
        clipSeconds: CLIP_SECONDS,
        clip: {
          width: CLIP.width,
          height: CLIP.height,
          fps: CLIP.fps,
          mb: Number((clip.length / MB).toFixed(2)),
        },
        processingConcurrency: concurrency,
        niceness,
        cpuClass,
        load: {
          path: LOAD_PATH,
          seconds: LOAD_SECONDS,
          connections: LOAD_CONNECTIONS,
          rate: LOAD_RATE,
        },
      },
      transcode,
      latency: {
        idle,
        transcoding: busy,
        p99RiseMs: Number(p99RiseMs.toFixed(2)),
        transcodeRunningShareOfLoad: Number(overlap.toFixed(2)),
      },
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    const clipLine = `${CLIP_SECONDS} s ${CLIP.width}×${CLIP.height} ${CLIP.fps} fps H.264/AAC, ${result.settings.clip.mb} MB`;
    const ffmpegPeak = Math.max(0, ...watched.processes.map((p) => p.peakRssMb));
    console.log(
      `\n### Transcode (${clipLine}; nice ${niceness}, CPU class ${cpuClass}, concurrency ${concurrency})\n`,
    );
    console.log('| measurement | value |');
    console.log('|---|---|');
    console.log(
      `| upload answer → ready | ${transcode.wallSeconds} s (queued ${transcode.queuedSeconds} s) |`,
    );
    console.log(
      `| CPU of ffprobe + ffmpeg (user + sys) | ${transcode.childCpuSeconds} s (${transcode.childCpuPerClipSecond} s per second of video, ${result.machine.cores} cores) |`,
    );
    console.log(`| ffmpeg peak RSS (sampled) | ${ffmpegPeak} MB |`);
    console.log(
      `| renditions | ${renditions.map((r) => `${r.resolution} @ ${Math.round(r.bandwidth / 1000)} kb/s, ${r.segments} segments`).join('; ')} |`,
    );
    console.log(`| HLS output | ${transcode.outputMb} MB |`);
    const rate = LOAD_RATE ? `${LOAD_RATE} req/s` : 'unthrottled';
    console.log(
      `\n### Latency of GET ${LOAD_PATH} (${LOAD_SECONDS} s per phase, ${LOAD_CONNECTIONS} connections, ${rate})\n`,
    );
    console.log('| phase | req/s | p50 ms | p99 ms | max ms | non-2xx + errors |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, p] of [
      ['idle', idle],
      ['transcoding', busy],
    ] as const)
      console.log(
        `| ${name} | ${p.reqPerSec.toFixed(1)} | ${p.p50Ms} | ${p.p99Ms} | ${p.maxMs} | ${p.non2xx + p.errors} |`,
      );
    console.log(
      `\np99 rise: ${p99RiseMs.toFixed(2)} ms (target < ${P99_RISE_TARGET_MS} ms); the transcode ran during ${Math.round(overlap * 100)} % of the loaded window.`,
    );
    console.log(`JSON: ${OUT}`);
    if (p99RiseMs >= P99_RISE_TARGET_MS) process.exitCode = 2;
  } finally {
    await scope.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
