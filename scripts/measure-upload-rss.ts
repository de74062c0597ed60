/*
 * Peak memory of the server while a 100 MB video uploads (issue 4): the upload pipeline must
 * stream (multipart → temp file → duration probe → storage), never buffer the file, so the
 * peak RSS of the serving process should stay well under 30 MB above idle.
 *
 * This process runs the real AppModule (embedded engine, in memory; local storage in a scratch
 * directory) and is the one measured. The upload comes from a separate Node process, so the
 * client's buffers never count. The peak is taken two ways: Linux's exact high-water mark
 * (VmHWM, reset through /proc/self/clear_refs just before the upload) and a 5 ms sampler of
 * `process.memoryUsage().rss`; idle is the RSS after a warm-up upload and a full GC.
 *
 * Usage:
 *   node scripts/prepare-engine.mjs   # once
 *   node_modules/.bin/node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/measure-upload-rss.ts
 * Env: RSS_VIDEO_BYTES (default 104857600, the 100 MB limit itself).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/app.setup';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { createVerifiedUser } from 'test/factories/users.factory';
import { tinyMp4, tinyPng, writeMp4File } from 'test/fixtures/media.fixture';
import type { TestApp } from 'test/utils/test-app';

const MB = 1024 * 1024;
const VIDEO_BYTES = Number(process.env.RSS_VIDEO_BYTES ?? 100 * MB);

/** The client, run by a separate Node process: streams the multipart body from disk. */
const CLIENT = String.raw`
const http = require('node:http');
const fs = require('node:fs');
const [url, auth, videoPath, thumbPath] = process.argv.slice(1);
const boundary = '----dancely-rss-' + Date.now();
const head = Buffer.from(
  '--' + boundary + '\r\nContent-Disposition: form-data; name="title"\r\n\r\nRSS measurement\r\n' +
  '--' + boundary + '\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n');
const thumb = fs.readFileSync(thumbPath);
const middle = Buffer.from('\r\n--' + boundary + '\r\nContent-Disposition: form-data; name="thumbnail"; filename="t.png"\r\nContent-Type: image/png\r\n\r\n');
const tail = Buffer.from('\r\n--' + boundary + '--\r\n');
const total = head.length + fs.statSync(videoPath).size + middle.length + thumb.length + tail.length;
const started = Date.now();
const req = http.request(url, { method: 'POST', headers: {
  Authorization: auth, 'Content-Type': 'multipart/form-data; boundary=' + boundary, 'Content-Length': total } },
  (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => {
    process.stdout.write(JSON.stringify({ status: res.statusCode, ms: Date.now() - started, body: JSON.parse(body) })); }); });
req.write(head);
const video = fs.createReadStream(videoPath, { highWaterMark: 256 * 1024 });
video.pipe(req, { end: false });
video.on('end', () => { req.write(middle); req.write(thumb); req.end(tail); });
`;

interface ClientResult {
  status: number;
  ms: number;
  body: { message?: string; data?: { duration?: number } };
}

function runClient(
  url: string,
  auth: string,
  videoPath: string,
  thumbPath: string,
): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CLIENT, url, auth, videoPath, thumbPath], {
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

async function main(): Promise<void> {
  const engine = await startEmbeddedMongo();
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-rss-'));
  Object.assign(process.env, {
    NODE_ENV: 'test',
    MONGODB_URI: `${engine.uri}/measure_upload_rss`,
    LOG_LEVEL: 'error',
    LOG_FILES: 'false',
    BCRYPT_ROUNDS: '4',
    MEDIA_STORAGE: 'local',
    MEDIA_LOCAL_DIR: join(scratch, 'media'),
    UPLOAD_TMP_DIR: join(scratch, 'uploads'),
    MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  await app.get(DatabaseSupervisorService).whenReady();
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/api/v1/video`;

  try {
    const harness: TestApp = {
      app,
      config: app.get<AppConfig>(APP_CONFIG),
      connection: app.get<Connection>(getConnectionToken()),
      dir: scratch,
      close: () => app.close(),
    };
    const user = await createVerifiedUser(harness);
    const thumbPath = join(scratch, 'thumb.png');
    writeFileSync(thumbPath, tinyPng());
    const smallPath = join(scratch, 'small.mp4');
    writeFileSync(smallPath, tinyMp4());
    const videoPath = join(scratch, 'big.mp4');
    await writeMp4File(videoPath, VIDEO_BYTES, { durationSeconds: 180 });

    // Warm-up: every module on the upload path is loaded and JIT-compiled before idle is taken.
    const warm = await runClient(url, user.authHeader, smallPath, thumbPath);
    if (warm.status !== 201) throw new Error(`warm-up upload failed: ${JSON.stringify(warm)}`);

    const idle = await settle();
    const exact = resetHighWaterMark();
    let sampledPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    }, 5);
    const result = await runClient(url, user.authHeader, videoPath, thumbPath);
    clearInterval(sampler);
    const hwm = exact ? highWaterMark() : null;
    const peak = Math.max(sampledPeak, hwm ?? 0);

    console.log(
      `video: ${mb(VIDEO_BYTES)} (${VIDEO_BYTES} bytes), upload → HTTP ${result.status} "${result.body.message}" in ${result.ms} ms, duration ${result.body.data?.duration ?? '—'} s`,
    );
    console.log(`idle RSS:            ${mb(idle)}`);
    console.log(`peak RSS (sampled):  ${mb(sampledPeak)}  (+${mb(sampledPeak - idle)})`);
    console.log(
      `peak RSS (VmHWM):    ${hwm === null ? 'not available' : `${mb(hwm)}  (+${mb(hwm - idle)})`}`,
    );
    console.log(`increase over idle:  ${mb(peak - idle)}  (target < 30 MB)`);
    if (result.status !== 201) process.exitCode = 1;
    if (peak - idle >= 30 * MB) process.exitCode = 2;
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
