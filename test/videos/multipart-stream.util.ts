import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';

/**
 * A hand-driven multipart upload over a raw socket, for what supertest cannot do: watch the
 * server answer while the body is still being sent, abort half-way, send a truncated body, stall,
 * or leave once the whole body is sent.
 */

export interface TextPart {
  name: string;
  value: string;
}

export interface FilePart {
  name: string;
  filename: string;
  contentType?: string;
  /** The file's first bytes. */
  head: Buffer;
  /** Total file size; bytes after `head` are filler, generated on the fly. */
  size: number;
}

/** A small file sent whole after the streamed one (e.g. the thumbnail beside a video). */
export interface AttachedPart {
  name: string;
  filename: string;
  content: Buffer;
}

export interface StreamOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  texts?: TextPart[];
  file: FilePart;
  attachments?: AttachedPart[];
  /** Leave out the closing boundary (a truncated body). */
  truncate?: boolean;
  /** Send without Content-Length (chunked), so the server cannot judge the size in advance. */
  chunked?: boolean;
  /** Send only this many bytes of the file, then nothing more until the server answers. */
  stallAfterBytes?: number;
  /** Send the file in small pieces with a pause before each: a slow but live client. */
  trickle?: { chunkBytes: number; pauseMs: number };
}

export interface StreamResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: { message?: string; code?: string };
  /** Bytes of the body written before the response arrived. */
  bytesSentBeforeResponse: number;
  totalBytes: number;
}

const CHUNK = 256 * 1024;

function layout(options: StreamOptions): {
  boundary: string;
  prefix: Buffer;
  suffix: Buffer;
  total: number;
} {
  const boundary = `----dancely${randomBytes(8).toString('hex')}`;
  const texts = (options.texts ?? [])
    .map(
      (part) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`,
    )
    .join('');
  const file = options.file;
  const prefix = Buffer.from(
    `${texts}--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
      `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const attachments = (options.attachments ?? []).map((part) =>
    Buffer.concat([
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      part.content,
    ]),
  );
  const suffix = options.truncate
    ? Buffer.alloc(0)
    : Buffer.concat([...attachments, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { boundary, prefix, suffix, total: prefix.length + file.size + suffix.length };
}

function open(options: StreamOptions, boundary: string, total: number): ClientRequest {
  const url = new URL(options.url);
  const headers: Record<string, string> = {
    ...options.headers,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
  };
  if (!options.chunked) headers['Content-Length'] = String(total);
  return httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: options.method ?? 'POST',
    headers,
  });
}

async function readJson(res: IncomingMessage): Promise<{ message?: string; code?: string }> {
  const parts: Buffer[] = [];
  for await (const part of res as AsyncIterable<Buffer>) parts.push(part);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as { message?: string; code?: string }) : {};
}

/**
 * Sends the whole body unless the server answers first; stops writing as soon as it does.
 */
export async function streamUpload(options: StreamOptions): Promise<StreamResult> {
  const { boundary, prefix, suffix, total } = layout(options);
  const req = open(options, boundary, total);
  req.on('error', () => undefined); // the server may close while we still write; the answer is what counts
  let answered: IncomingMessage | undefined;
  let sentAtAnswer = -1;
  let sent = 0;
  const responded = new Promise<IncomingMessage>((resolve) =>
    req.once('response', (res: IncomingMessage) => {
      answered = res;
      sentAtAnswer = sent;
      resolve(res);
    }),
  );

  const write = async (chunk: Buffer): Promise<boolean> => {
    if (answered) return false;
    sent += chunk.length;
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), responded]);
    return !answered;
  };

  const filler = Buffer.alloc(CHUNK, 0x5a);
  const fileBytes = Math.min(options.file.size, options.stallAfterBytes ?? options.file.size);
  const head = options.file.head.subarray(0, fileBytes);
  const piece = options.trickle?.chunkBytes;
  const pause = (): Promise<unknown> =>
    new Promise((resolve) => setTimeout(resolve, options.trickle?.pauseMs ?? 0));
  let more = await write(prefix);
  let fileWritten = 0;
  while (more && fileWritten < fileBytes) {
    if (options.trickle) await pause();
    const fromHead = fileWritten < head.length;
    const size = Math.min(
      piece ?? (fromHead ? head.length : CHUNK),
      (fromHead ? head.length : fileBytes) - fileWritten,
    );
    more = await write(
      fromHead ? head.subarray(fileWritten, fileWritten + size) : filler.subarray(0, size),
    );
    fileWritten += size;
  }
  const stalled = fileBytes < options.file.size;
  if (more && !stalled && suffix.length > 0) more = await write(suffix);
  if (more && !stalled) req.end();

  const res = await responded;
  const body = await readJson(res);
  req.destroy();
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body,
    bytesSentBeforeResponse: sentAtAnswer,
    totalBytes: total,
  };
}

/**
 * Starts an upload, sends `sendBytes` of the file, waits for `until` (e.g. "a temp file exists"),
 * then drops the connection like a closed browser tab.
 */
export async function abortUpload(
  options: StreamOptions,
  sendBytes: number,
  until: () => Promise<boolean>,
): Promise<void> {
  const { boundary, prefix, total } = layout(options);
  const req = open(options, boundary, total);
  req.on('error', () => undefined);
  req.write(prefix);
  const head = options.file.head;
  req.write(head);
  req.write(Buffer.alloc(Math.max(0, sendBytes - head.length), 0x5a));
  const deadline = Date.now() + 5000;
  while (!(await until())) {
    if (Date.now() > deadline) throw new Error('the upload never reached the expected state');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  req.destroy();
}

/**
 * Sends the whole body, waits for `until` (e.g. "the handler is storing the file"), then drops
 * the connection without reading the answer, like a tab closed while the server still works.
 */
export async function uploadThenDisconnect(
  options: StreamOptions,
  until: () => Promise<boolean>,
): Promise<void> {
  const { boundary, prefix, suffix, total } = layout(options);
  const req = open(options, boundary, total);
  req.on('error', () => undefined);
  req.write(prefix);
  req.write(options.file.head);
  req.write(Buffer.alloc(Math.max(0, options.file.size - options.file.head.length), 0x5a));
  req.end(suffix);
  const deadline = Date.now() + 5000;
  while (!(await until())) {
    if (Date.now() > deadline) throw new Error('the upload never reached the expected state');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  req.destroy();
}
