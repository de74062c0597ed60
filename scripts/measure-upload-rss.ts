/*
 * Peak memory of the server while a 100 MB video uploads (issues 4 and 16): the upload pipelines
 * must stream, never buffer the file, so the peak RSS of the serving process should stay well
 * under 30 MB above idle. Two pipelines are measured in one run, so they can be compared:
 *   - multipart: one `POST /api/v1/video` (multipart → temp file → duration probe → storage);
 *   - tus:       `POST /api/v1/uploads` (Upload-Length), then PATCHes of RSS_TUS_CHUNK_BYTES each
 *                (8 MB, as a phone client would send them), then `POST /api/v1/video` with the
 *                `uploadId` (duration probe on the assembled file → storage).
 *
 * This process runs the real AppModule (embedded engine, in memory; local storage in a scratch
 * directory; VIDEO_TRANSCODING=off, so no HLS run follows an upload) and is the one measured. The
 * uploads come from a separate Node process, so the client's buffers never count. For each mode
 * the peak is taken two ways: Linux's exact high-water mark (VmHWM, reset through
 * /proc/self/clear_refs just before the upload) and a 5 ms sampler of `process.memoryUsage().rss`;
 * idle is the RSS after warm-up uploads through both pipelines and a full GC, taken again before
 * each mode.
 *
 * Usage:
 *   node scripts/prepare-engine.mjs   # once
 *   node_modules/.bin/node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/measure-upload-rss.ts [--tus | --multipart]
 * Without a flag both modes run (multipart, then tus); `--tus` or `--multipart` runs one of them
 * (also RSS_MODE=tus|multipart|both).
 * Env: RSS_VIDEO_BYTES (default 104857600, the 100 MB limit itself), RSS_TUS_CHUNK_BYTES
 * (default 8388608). Exit code 1 when an upload fails, 2 when a mode peaks 30 MB or more above idle.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMeasuredApp } from 'scripts/bench/measured-app';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { createVerifiedUser } from 'test/factories/users.factory';
import { tinyMp4, tinyPng, writeMp4File } from 'test/fixtures/media.fixture';

const MB = 1024 * 1024;
const VIDEO_BYTES = Number(process.env.RSS_VIDEO_BYTES ?? 100 * MB);
const TUS_CHUNK_BYTES = Number(process.env.RSS_TUS_CHUNK_BYTES ?? 8 * MB);
const TARGET_BYTES = 30 * MB;

type Mode = 'multipart' | 'tus';

function selectedModes(): Mode[] {
  const flag = process.argv.includes('--tus')
    ? 'tus'
    : process.argv.includes('--multipart')
      ? 'multipart'
      : (process.env.RSS_MODE ?? 'both');
  if (flag === 'both') return ['multipart', 'tus'];
  if (flag === 'multipart' || flag === 'tus') return [flag];
  throw new Error(`RSS_MODE must be multipart, tus or both, not "${flag}"`);
}

/** Shared by both clients: the `POST /video` multipart body, streamed (the video part optional). */
const CLIENT_COMMON = String.raw`
const http = require('node:http');
const fs = require('node:fs');
function send(url, options, write) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    write(req);
  });
}
function postVideo(base, auth, fields, videoPath, thumbPath) {
  const boundary = '----dancely-rss-' + Date.now();
  const parts = [];
  for (const [name, value] of Object.entries(fields))
    parts.push('--' + boundary + '\r\nContent-Disposition: form-data; name="' + name + '"\r\n\r\n' + value + '\r\n');
  const head = Buffer.from(parts.join('') + (videoPath
    ? '--' + boundary + '\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    : ''));
  const thumb = fs.readFileSync(thumbPath);
  const middle = Buffer.from((videoPath ? '\r\n' : '') + '--' + boundary +
    '\r\nContent-Disposition: form-data; name="thumbnail"; filename="t.png"\r\nContent-Type: image/png\r\n\r\n');
  const tail = Buffer.from('\r\n--' + boundary + '--\r\n');
  const total = head.length + (videoPath ? fs.statSync(videoPath).size : 0) + middle.length + thumb.length + tail.length;
  return send(base + '/video', { method: 'POST', headers: {
    Authorization: auth, 'Content-Type': 'multipart/form-data; boundary=' + boundary, 'Content-Length': total } },
    (req) => {
      req.write(head);
      const rest = () => { req.write(middle); req.write(thumb); req.end(tail); };
      if (!videoPath) return rest();
      const video = fs.createReadStream(videoPath, { highWaterMark: 256 * 1024 });
      video.pipe(req, { end: false });
      video.on('end', rest);
    });
}
function done(started, answer, extra) {
  process.stdout.write(JSON.stringify({ status: answer.status, ms: Date.now() - started,
    body: JSON.parse(answer.body || '{}'), ...extra }));
}
`;

/** The multipart client: one `POST /video` with the file streamed from disk. */
const MULTIPART_CLIENT = String.raw`${CLIENT_COMMON}
const [base, auth, videoPath, thumbPath] = process.argv.slice(1);
const started = Date.now();
postVideo(base, auth, { title: 'RSS measurement' }, videoPath, thumbPath)
  .then((answer) => done(started, answer, {}))
  .catch((error) => { console.error(error); process.exit(1); });
`;

/**
 * The tus client: creation, then one PATCH per chunk (each streamed from disk with its own
 * Content-Length, the offset checked after each), then `POST /video` with the upload's id.
 */
const TUS_CLIENT = String.raw`${CLIENT_COMMON}
const [base, auth, videoPath, thumbPath, chunkArg] = process.argv.slice(1);
const chunk = Number(chunkArg);
const size = fs.statSync(videoPath).size;
const tus = { Authorization: auth, 'Tus-Resumable': '1.0.0' };
async function main() {
  const started = Date.now();
  const created = await send(base + '/uploads', { method: 'POST', headers: { ...tus,
    'Upload-Length': String(size), 'Upload-Metadata': 'filename ' + Buffer.from('big.mp4').toString('base64'),
    'Content-Length': 0 } }, (req) => req.end());
  if (created.status !== 201) return done(started, created, { step: 'create' });
  const id = String(created.headers.location).split('/').pop();
  let offset = 0;
  let chunks = 0;
  while (offset < size) {
    const length = Math.min(chunk, size - offset);
    const answer = await send(base + '/uploads/' + id, { method: 'PATCH', headers: { ...tus,
      'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream',
      'Content-Length': length } },
      (req) => fs.createReadStream(videoPath, { start: offset, end: offset + length - 1,
        highWaterMark: 256 * 1024 }).pipe(req));
    if (answer.status !== 204 || Number(answer.headers['upload-offset']) !== offset + length)
      return done(started, answer, { step: 'patch at ' + offset });
    offset += length;
    chunks += 1;
  }
  const patchMs = Date.now() - started;
  const answer = await postVideo(base, auth, { title: 'RSS measurement (tus)', uploadId: id }, null, thumbPath);
  done(started, answer, { patchMs, chunks });
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

interface ClientResult {
  status: number;
  ms: number;
  body: { message?: string; data?: { duration?: number } };
  /** tus: the time of the creation and the PATCHes, before `POST /video`. */
  patchMs?: number;
  chunks?: number;
  /** tus: the step that failed. */
  step?: string;
}

function runClient(script: string, args: string[]): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as ClientResult)
        : reject(new Error(`client exited with ${code}`)),
    );
  });
}

/** Linux's exact peak RSS of this process (kB → bytes), or null elsewhere. */
function highWaterMark(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function settle(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return process.memoryUsage().rss;
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

interface Measurement {
  mode: Mode;
  result: ClientResult;
  idle: number;
  sampledPeak: number;
  hwm: number | null;
  peak: number;
}

/** Idle after a GC, then the upload with the high-water mark reset and the sampler running. */
async function measure(mode: Mode, upload: () => Promise<ClientResult>): Promise<Measurement> {
  const idle = await settle();
  const exact = resetHighWaterMark();
  let sampledPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 5);
  const result = await upload().finally(() => clearInterval(sampler));
  const hwm = exact ? highWaterMark() : null;
  return { mode, result, idle, sampledPeak, hwm, peak: Math.max(sampledPeak, hwm ?? 0) };
}

function report(m: Measurement): void {
  const { result } = m;
  const timing =
    m.mode === 'tus'
      ? `${result.chunks ?? '?'} PATCHes of ≤ ${mb(TUS_CHUNK_BYTES)} in ${result.patchMs ?? '?'} ms, then POST /video → HTTP ${result.status} "${result.body.message}", ${result.ms} ms in all`
      : `POST /video → HTTP ${result.status} "${result.body.message}" in ${result.ms} ms`;
  console.log(
    `\n[${m.mode}] ${timing}${result.step ? ` (failed at ${result.step})` : ''}, duration ${result.body.data?.duration ?? '—'} s`,
  );
  console.log(`idle RSS:            ${mb(m.idle)}`);
  console.log(`peak RSS (sampled):  ${mb(m.sampledPeak)}  (+${mb(m.sampledPeak - m.idle)})`);
  console.log(
    `peak RSS (VmHWM):    ${m.hwm === null ? 'not available' : `${mb(m.hwm)}  (+${mb(m.hwm - m.idle)})`}`,
  );
  console.log(`increase over idle:  ${mb(m.peak - m.idle)}  (target < 30 MB)`);
}

async function main(): Promise<void> {
  const modes = selectedModes();
  const engine = await startEmbeddedMongo();
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-rss-'));
  const { app, harness, origin } = await startMeasuredApp(
    `${engine.uri}/measure_upload_rss`,
    scratch,
    // The upload alone is measured: no HLS run (and no ffmpeg) after it.
    { VIDEO_TRANSCODING: 'off' },
  );
  const base = `${origin}/api/v1`;

  try {
    const user = await createVerifiedUser(harness);
    const thumbPath = join(scratch, 'thumb.png');
    writeFileSync(thumbPath, tinyPng());
    const smallPath = join(scratch, 'small.mp4');
    writeFileSync(smallPath, tinyMp4());
    const videoPath = join(scratch, 'big.mp4');
    await writeMp4File(videoPath, VIDEO_BYTES, { durationSeconds: 180 });

    const upload = (mode: Mode, path: string): Promise<ClientResult> =>
      mode === 'tus'
        ? runClient(TUS_CLIENT, [base, user.authHeader, path, thumbPath, String(TUS_CHUNK_BYTES)])
        : runClient(MULTIPART_CLIENT, [base, user.authHeader, path, thumbPath]);

    // Warm-up: every module on both upload paths is loaded and JIT-compiled before idle is taken.
    for (const mode of ['multipart', 'tus'] as const) {
      const warm = await upload(mode, smallPath);
      if (warm.status !== 201)
        throw new Error(`${mode} warm-up upload failed: ${JSON.stringify(warm)}`);
    }

    console.log(`video: ${mb(VIDEO_BYTES)} (${VIDEO_BYTES} bytes)`);
    const measurements: Measurement[] = [];
    for (const mode of modes) {
      const m = await measure(mode, () => upload(mode, videoPath));
      report(m);
      measurements.push(m);
    }

    if (measurements.length > 1) {
      console.log('\n| mode | idle RSS | peak (sampled) | peak (VmHWM) | increase | upload ms |');
      console.log('|---|---|---|---|---|---|');
      for (const m of measurements)
        console.log(
          `| ${m.mode} | ${mb(m.idle)} | ${mb(m.sampledPeak)} | ${m.hwm === null ? '—' : mb(m.hwm)} | +${mb(m.peak - m.idle)} | ${m.result.ms} |`,
        );
    }
    if (measurements.some((m) => m.peak - m.idle >= TARGET_BYTES)) process.exitCode = 2;
    if (measurements.some((m) => m.result.status !== 201)) process.exitCode = 1;
  } finally {
    await app.close();
    await engine.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
