import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Cloudinary Upload API, for driving the real SDK adapter in tests.
 * It checks what Cloudinary checks (cloud name, api_key, timestamp freshness, the request
 * signature, required parameters, that the bytes are media of the requested resource type) and
 * answers in Cloudinary's shapes: success JSON, or `{ error: { message } }` with its status.
 *
 * Point the adapter at it with `CLOUDINARY_UPLOAD_PREFIX=<fake.url>` and the fake's credentials.
 */

export interface FakeCloudinaryOptions {
  cloudName?: string;
  apiKey?: string;
  apiSecret?: string;
}

export interface FakeCloudinaryUpload {
  resourceType: string;
  publicId: string;
  folder: string | undefined;
  bytes: number;
  /** Number of requests the file arrived in (1 for a plain upload). */
  chunks: number;
  /** Every signed parameter as received (api_key and signature included, file excluded). */
  params: Record<string, string>;
  secureUrl: string;
}

export interface FakeCloudinaryDelete {
  resourceType: string;
  publicId: string;
  invalidate: boolean;
  result: 'ok' | 'not found';
}

/** A request the fake refused, with the status and message it answered. */
export interface FakeCloudinaryRejection {
  path: string;
  status: number;
  message: string;
}

interface PendingChunkedUpload {
  parts: Buffer[];
  received: number;
}

interface StoredAsset {
  bytes: number;
  version: number;
}

/** An eager derivative requested through `explicit` (the HLS streaming profile, here). */
export interface FakeCloudinaryDerivation {
  resourceType: string;
  publicId: string;
  transformation: string;
  batchId: string;
  status: 'processing' | 'ready' | 'failed';
  /** `eager_notification_url` as received, if any. */
  notificationUrl: string | undefined;
  secureUrl: string;
}

/** A notification as Cloudinary would POST it: the exact body and the signature headers. */
export interface FakeCloudinaryNotification {
  url: string;
  body: string;
  headers: { 'Content-Type': string; 'X-Cld-Timestamp': string; 'X-Cld-Signature': string };
}

const RESOURCE_TYPES = new Set(['image', 'video', 'raw', 'auto']);
const UNSIGNED_PARAMS = new Set(['file', 'api_key', 'signature', 'resource_type', 'cloud_name']);
const MAX_CLOCK_SKEW_SECONDS = 3600;

class CloudinaryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class FakeCloudinaryServer {
  readonly uploads: FakeCloudinaryUpload[] = [];
  readonly deletes: FakeCloudinaryDelete[] = [];
  readonly rejections: FakeCloudinaryRejection[] = [];
  /** Every eager derivative requested with `explicit`, in order. */
  readonly derivations: FakeCloudinaryDerivation[] = [];
  /** Admin API reads of a resource (public ids), in order. */
  readonly resourceReads: string[] = [];
  /** Duration reported for video uploads (real Cloudinary measures it; the fake lets the test choose). */
  videoDuration: number | null = 12.5;

  private readonly assets = new Map<string, StoredAsset>();
  private readonly pending = new Map<string, PendingChunkedUpload>();
  private readonly failures: { status: number; message: string }[] = [];
  private version = 1_700_000_000;

  readonly cloudName: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  private constructor(options: FakeCloudinaryOptions) {
    this.cloudName = options.cloudName ?? 'dancely-test';
    this.apiKey = options.apiKey ?? '123456789012345';
    this.apiSecret = options.apiSecret ?? 'fake-cloudinary-secret';
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: FakeCloudinaryOptions = {}): Promise<FakeCloudinaryServer> {
    const fake = new FakeCloudinaryServer(options);
    await listen(fake.server);
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `media.cloudinary` config section that points an adapter at this fake. */
  get config(): { cloudName: string; apiKey: string; apiSecret: string; uploadPrefix: string } {
    return {
      cloudName: this.cloudName,
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      uploadPrefix: this.url,
    };
  }

  /** The environment of an app that stores its media on this fake (`createTestApp(fake.appEnv)`). */
  get appEnv(): Record<string, string> {
    return {
      MEDIA_STORAGE: 'cloudinary',
      CLOUDINARY_CLOUD_NAME: this.cloudName,
      CLOUDINARY_API_KEY: this.apiKey,
      CLOUDINARY_API_SECRET: this.apiSecret,
      CLOUDINARY_UPLOAD_PREFIX: this.url,
    };
  }

  /** The next request (upload chunk or destroy) is answered with this status and Cloudinary error body. */
  failNext(status: number, message = 'General error'): void {
    this.failures.push({ status, message });
  }

  /** Whether an asset is currently stored under this resource type and public id. */
  has(resourceType: string, publicId: string): boolean {
    return this.assets.has(`${resourceType}:${publicId}`);
  }

  /**
   * Cloudinary finishes (or fails) the pending derivative of an asset. Returns the notification it
   * would POST to the `eager_notification_url` the request gave, signed with the API secret, or
   * null when none was given.
   */
  completeDerivation(
    publicId: string,
    outcome: { fail?: string } = {},
  ): FakeCloudinaryNotification | null {
    const derivation = [...this.derivations]
      .reverse()
      .find((item) => item.publicId === publicId && item.status === 'processing');
    if (!derivation) throw new Error(`No pending derivation of ${publicId}`);
    derivation.status = outcome.fail === undefined ? 'ready' : 'failed';
    if (derivation.notificationUrl === undefined) return null;
    const entry =
      outcome.fail === undefined
        ? {
            transformation: derivation.transformation,
            format: 'm3u8',
            bytes: 512,
            url: derivation.secureUrl.replace('https:', 'http:'),
            secure_url: derivation.secureUrl,
          }
        : { transformation: derivation.transformation, status: 'failed', reason: outcome.fail };
    return this.signedNotification(derivation.notificationUrl, {
      notification_type: 'eager',
      eager: [entry],
      batch_id: derivation.batchId,
      asset_id: randomUUID().replace(/-/g, ''),
      public_id: derivation.publicId,
      resource_type: derivation.resourceType,
      type: 'upload',
    });
  }

  /** Any payload signed as Cloudinary signs notifications (`timestamp` to test the freshness rule). */
  signedNotification(
    url: string,
    payload: object,
    timestamp = Math.floor(Date.now() / 1000),
  ): FakeCloudinaryNotification {
    const body = JSON.stringify(payload);
    return {
      url,
      body,
      headers: {
        'Content-Type': 'application/json',
        'X-Cld-Timestamp': String(timestamp),
        'X-Cld-Signature': sha1Hex(body + String(timestamp) + this.apiSecret),
      },
    };
  }

  /** The asset disappears at Cloudinary (deleted from its console), without a destroy call. */
  forget(resourceType: string, publicId: string): void {
    this.assets.delete(`${resourceType}:${publicId}`);
  }

  reset(): void {
    this.derivations.length = 0;
    this.resourceReads.length = 0;
    this.uploads.length = 0;
    this.deletes.length = 0;
    this.rejections.length = 0;
    this.failures.length = 0;
    this.assets.clear();
    this.pending.clear();
    this.videoDuration = 12.5;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      const body = await readBody(req);
      const failure = this.failures.shift();
      if (failure) throw new CloudinaryError(failure.status, failure.message);

      const resource = /^\/v1_1\/([^/]+)\/resources\/([^/]+)\/upload\/(.+)$/.exec(path);
      if (req.method === 'GET' && resource) {
        send(
          res,
          200,
          this.readResource(req, resource[1] ?? '', resource[2] ?? '', resource[3] ?? ''),
        );
        return;
      }
      const match = /^\/v1_1\/([^/]+)\/([^/]+)\/(upload|destroy|explicit)$/.exec(path);
      if (req.method !== 'POST' || !match) throw new CloudinaryError(404, 'Resource not found');
      const [, cloudName, resourceType, action] = match as unknown as [
        string,
        string,
        string,
        string,
      ];
      if (cloudName !== this.cloudName)
        throw new CloudinaryError(401, `Invalid cloud_name ${cloudName}`);
      if (!RESOURCE_TYPES.has(resourceType))
        throw new CloudinaryError(400, `Invalid resource type ${resourceType}`);

      const { params, file } = await parseForm(req, body);
      this.authenticate(params);
      const answer =
        action === 'upload'
          ? this.upload(req, resourceType, params, file)
          : action === 'explicit'
            ? this.explicit(resourceType, params)
            : this.destroy(resourceType, params);
      send(res, 200, answer);
    } catch (error) {
      const status = error instanceof CloudinaryError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      this.rejections.push({ path, status, message });
      send(res, status, { error: { message } });
    }
  }

  /** api_key, timestamp and signature, as the Upload API requires for signed calls. */
  private authenticate(params: Record<string, string>): void {
    if (!params.api_key) throw new CloudinaryError(401, 'Must supply api_key');
    if (params.api_key !== this.apiKey)
      throw new CloudinaryError(401, `Invalid api_key ${params.api_key}`);
    if (!params.timestamp) throw new CloudinaryError(400, 'Missing required parameter - timestamp');
    const skew = Math.abs(Date.now() / 1000 - Number(params.timestamp));
    if (!Number.isFinite(skew) || skew > MAX_CLOCK_SKEW_SECONDS) {
      throw new CloudinaryError(400, `Stale request - reported time is ${params.timestamp}`);
    }
    if (!params.signature) throw new CloudinaryError(400, 'Missing required parameter - signature');
    const toSign = stringToSign(params);
    if (params.signature !== sha1Hex(toSign + this.apiSecret)) {
      throw new CloudinaryError(
        401,
        `Invalid Signature ${params.signature}. String to sign - '${toSign}'.`,
      );
    }
  }

  private upload(
    req: IncomingMessage,
    resourceType: string,
    params: Record<string, string>,
    file: Buffer | undefined,
  ): object {
    if (file === undefined) throw new CloudinaryError(400, 'Missing required parameter - file');

    const uploadId = header(req, 'x-unique-upload-id');
    let content = file;
    let chunks = 1;
    if (uploadId !== undefined) {
      const assembled = this.acceptChunk(uploadId, header(req, 'content-range'), file);
      if (assembled === null) return { done: false };
      ({ content, chunks } = assembled);
    }

    const detected = detectMedia(content);
    const actualType = resourceType === 'auto' ? (detected?.resourceType ?? 'raw') : resourceType;
    if (actualType === 'image' && detected?.resourceType !== 'image') {
      throw new CloudinaryError(400, 'Invalid image file');
    }
    if (actualType === 'video' && detected?.resourceType !== 'video') {
      throw new CloudinaryError(400, 'Unsupported video format or file');
    }

    const folder = params.folder || undefined;
    const name = params.public_id || randomBytes(10).toString('hex');
    const publicId = folder && !params.public_id ? `${folder}/${name}` : name;
    const format = detected?.format ?? 'bin';
    const version = ++this.version;
    const secureUrl = `https://res.cloudinary.com/${this.cloudName}/${actualType}/upload/v${version}/${publicId}.${format}`;

    this.assets.set(`${actualType}:${publicId}`, { bytes: content.length, version });
    this.uploads.push({
      resourceType: actualType,
      publicId,
      folder,
      bytes: content.length,
      chunks,
      params: { ...params },
      secureUrl,
    });
    return {
      asset_id: randomUUID().replace(/-/g, ''),
      public_id: publicId,
      version,
      version_id: randomBytes(16).toString('hex'),
      signature: sha1Hex(`public_id=${publicId}&version=${version}${this.apiSecret}`),
      format,
      resource_type: actualType,
      created_at: new Date().toISOString(),
      tags: [],
      bytes: content.length,
      type: 'upload',
      etag: createHash('md5').update(content).digest('hex'),
      placeholder: false,
      url: secureUrl.replace('https:', 'http:'),
      secure_url: secureUrl,
      folder: folder ?? '',
      original_filename: 'file',
      ...(actualType === 'video' && this.videoDuration !== null
        ? { duration: this.videoDuration }
        : {}),
      api_key: this.apiKey,
    };
  }

  /** Chunked uploads: parts must arrive in order; the last one carries the total size. */
  private acceptChunk(
    uploadId: string,
    contentRange: string | undefined,
    part: Buffer,
  ): { content: Buffer; chunks: number } | null {
    const range = /^bytes (\d+)-(-?\d+)\/(-?\d+)$/.exec(contentRange ?? '');
    if (!range) throw new CloudinaryError(400, 'Invalid Content-Range header');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const pending = this.pending.get(uploadId) ?? { parts: [], received: 0 };
    if (start !== pending.received || end - start + 1 !== part.length) {
      this.pending.delete(uploadId);
      throw new CloudinaryError(400, 'Invalid Content-Range header');
    }
    pending.parts.push(part);
    pending.received += part.length;
    if (total === -1) {
      this.pending.set(uploadId, pending);
      return null;
    }
    this.pending.delete(uploadId);
    if (total !== pending.received) throw new CloudinaryError(400, 'Invalid Content-Range header');
    return { content: Buffer.concat(pending.parts), chunks: pending.parts.length };
  }

  /** `explicit` with `eager` + `eager_async`: the derivative is pending until `completeDerivation`. */
  private explicit(resourceType: string, params: Record<string, string>): object {
    const publicId = params.public_id;
    if (!publicId) throw new CloudinaryError(400, 'Missing required parameter - public_id');
    const asset = this.assets.get(`${resourceType}:${publicId}`);
    if (!asset) throw new CloudinaryError(404, `Resource not found - ${publicId}`);
    if (!params.eager) throw new CloudinaryError(400, 'Missing required parameter - eager');
    if (params.eager_async !== 'true' && params.eager_async !== '1')
      throw new CloudinaryError(400, 'The fake only derives asynchronously (eager_async)');
    const eager = params.eager.split('|').map((transformation) => {
      const [profile, format] = transformation.split('/');
      const batchId = randomBytes(16).toString('hex');
      const secureUrl = `https://res.cloudinary.com/${this.cloudName}/${resourceType}/upload/${profile}/v${asset.version}/${publicId}.${format ?? 'm3u8'}`;
      this.derivations.push({
        resourceType,
        publicId,
        transformation,
        batchId,
        status: 'processing',
        notificationUrl: params.eager_notification_url || undefined,
        secureUrl,
      });
      return { status: 'processing', batch_id: batchId, transformation };
    });
    return {
      public_id: publicId,
      version: asset.version,
      resource_type: resourceType,
      type: params.type || 'upload',
      bytes: asset.bytes,
      eager,
    };
  }

  /** Admin API `GET resources/:type/upload/:public_id` (Basic auth): the asset and its ready derivatives. */
  private readResource(
    req: IncomingMessage,
    cloudName: string,
    resourceType: string,
    encodedId: string,
  ): object {
    if (cloudName !== this.cloudName)
      throw new CloudinaryError(401, `Invalid cloud_name ${cloudName}`);
    const expected = `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`;
    if (header(req, 'authorization') !== expected)
      throw new CloudinaryError(401, 'Invalid credentials');
    const publicId = decodeURIComponent(encodedId);
    this.resourceReads.push(publicId);
    const asset = this.assets.get(`${resourceType}:${publicId}`);
    if (!asset) throw new CloudinaryError(404, `Resource not found - ${publicId}`);
    return {
      public_id: publicId,
      resource_type: resourceType,
      type: 'upload',
      version: asset.version,
      bytes: asset.bytes,
      derived: this.derivations
        .filter(
          (item) =>
            item.publicId === publicId &&
            item.resourceType === resourceType &&
            item.status === 'ready',
        )
        .map((item) => ({
          transformation: item.transformation,
          format: 'm3u8',
          bytes: 512,
          id: item.batchId,
          url: item.secureUrl.replace('https:', 'http:'),
          secure_url: item.secureUrl,
        })),
    };
  }

  private destroy(resourceType: string, params: Record<string, string>): object {
    const publicId = params.public_id;
    if (!publicId) throw new CloudinaryError(400, 'Missing required parameter - public_id');
    const key = `${resourceType}:${publicId}`;
    // Like Cloudinary: the wrong resource type finds nothing, and deleting nothing is not an error.
    const result = this.assets.delete(key) ? 'ok' : 'not found';
    // Like Cloudinary: the derivatives go with the asset.
    for (let i = this.derivations.length - 1; i >= 0; i--) {
      const item = this.derivations[i];
      if (item?.publicId === publicId && item.resourceType === resourceType)
        this.derivations.splice(i, 1);
    }
    this.deletes.push({
      resourceType,
      publicId,
      invalidate: params.invalidate === 'true' || params.invalidate === '1',
      result,
    });
    return { result };
  }
}

/**
 * Cloudinary's string to sign: every parameter but file, api_key, resource_type and cloud_name
 * (and the signature itself), empty ones dropped, sorted by name, `name=value` joined with `&`.
 * The SDK (signature version 2) escapes `&` inside each pair as `%26`; so does the fake.
 */
export function stringToSign(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([name, value]) => !UNSIGNED_PARAMS.has(name) && value !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`.replace(/&/g, '%26'))
    .join('&');
}

function sha1Hex(input: string): string {
  return createHash('sha1').update(input).digest('hex');
}

function detectMedia(bytes: Buffer): { resourceType: 'image' | 'video'; format: string } | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { resourceType: 'image', format: 'jpg' };
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { resourceType: 'image', format: 'png' };
  }
  if (bytes.length >= 8 && bytes.toString('latin1', 4, 8) === 'ftyp')
    return { resourceType: 'video', format: 'mp4' };
  return null;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

async function parseForm(
  req: IncomingMessage,
  body: Buffer,
): Promise<{ params: Record<string, string>; file: Buffer | undefined }> {
  const contentType = header(req, 'content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new CloudinaryError(400, 'Unsupported request content type');
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new CloudinaryError(400, 'Malformed multipart body');
  }
  const params: Record<string, string> = {};
  let file: Buffer | undefined;
  for (const [name, value] of form.entries()) {
    if (name === 'file') {
      if (typeof value === 'string')
        throw new CloudinaryError(400, 'Remote file URLs are not supported by the fake');
      file = Buffer.from(await value.arrayBuffer());
    } else if (typeof value === 'string') {
      params[name] = value;
    }
  }
  return { params, file };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}
