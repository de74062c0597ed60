import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';

/**
 * A hand-driven multipart upload over a raw socket, for what supertest cannot do: watch the
 * server answer while the body is still being sent, abort half-way, send a truncated body.
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

export interface StreamOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  texts?: TextPart[];
  file: FilePart;
  /** Leave out the closing boundary (a truncated body). */
  truncate?: boolean;
  /** Send without Content-Length (chunked), so the server cannot judge the size in advance. */
  chunked?: boolean;
}

export interface StreamResult {
  status: number;
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
  const suffix = Buffer.from(options.truncate ? '' : `\r\n--${boundary}--\r\n`);
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
  let more = await write(prefix);
  let fileWritten = 0;
  if (more) {
    const head = options.file.head.subarray(0, options.file.size);
    more = await write(head);
    fileWritten = head.length;
  }
  while (more && fileWritten < options.file.size) {
    const size = Math.min(CHUNK, options.file.size - fileWritten);
    more = await write(filler.subarray(0, size));
    fileWritten += size;
  }
  if (more && suffix.length > 0) more = await write(suffix);
  if (more) req.end();

  const res = await responded;
  const body = await readJson(res);
  req.destroy();
  return {
    status: res.statusCode ?? 0,
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
