import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Agent } from 'node:http';
import { v2 as cloudinary, type UploadApiOptions, type UploadApiResponse } from 'cloudinary';
import type { AppConfig } from 'src/config/app-config';
import {
  type MediaResourceType,
  MediaStorage,
  MediaStorageError,
  type MediaUploadInput,
  type StoredMedia,
} from 'src/infrastructure/media/media-storage.port';

/** Cloudinary's minimum chunk is 5 MB; 20 MB (the SDK default) keeps a 100 MB video to five requests. */
const CHUNK_SIZE = 20 * 1024 * 1024;
/** Bigger reads than the 64 KB default: the SDK's chunker concatenates every write into its chunk buffer. */
const READ_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Messages Cloudinary answers (HTTP 400) when the bytes are not media it can read, e.g.
 * "Invalid image file", "Unsupported video format or file". Other 400s (bad parameters,
 * stale timestamp) are our fault, not the file's.
 */
const UNREADABLE_MEDIA =
  /invalid (image|video) file|unsupported (image |video )?(format|file)|file format .* not allowed/i;

/** A notification older (or further in the future) than this is refused, like the SDK's default window. */
const NOTIFICATION_MAX_AGE_SECONDS = 2 * 60 * 60;

/** Where the HLS derivative of a video stands at Cloudinary. */
export type HlsDerivative =
  | { state: 'ready'; url: string }
  | { state: 'pending' }
  | { state: 'failed'; reason: string }
  /** The asset itself is gone (deleted at Cloudinary). */
  | { state: 'missing' };

/** What a notification POSTed by Cloudinary says, once its signature is checked. */
export type CloudinaryNotification =
  | { kind: 'invalid-signature' }
  /** Signed, but not about an HLS derivative (other notification types, other transformations). */
  | { kind: 'other' }
  | {
      kind: 'hls';
      publicId: string;
      outcome: Extract<HlsDerivative, { state: 'ready' | 'failed' }>;
    };

/** Up to 720p: the ladder local processing builds too. */
const DEFAULT_STREAMING_PROFILE = 'hd';

type CloudinaryAdapterConfig = Pick<
  AppConfig['media']['cloudinary'],
  'cloudName' | 'apiKey' | 'apiSecret' | 'uploadPrefix'
> &
  Partial<Pick<AppConfig['media']['cloudinary'], 'streamingProfile'>>;

interface CallOptions {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  upload_prefix?: string;
  agent?: Agent;
}

/** Production storage: the real Cloudinary SDK. */
export class CloudinaryMediaStorage extends MediaStorage {
  readonly kind = 'cloudinary';
  private readonly callOptions: CallOptions;
  /** The eager transformation of the HLS derivative, as Cloudinary names it (`sp_hd/m3u8`). */
  private readonly hlsTransformation: string;
  private readonly apiSecret: string;

  constructor(config: { cloudinary: CloudinaryAdapterConfig }) {
    super();
    const { cloudName, apiKey, apiSecret, uploadPrefix } = config.cloudinary;
    const streamingProfile = config.cloudinary.streamingProfile ?? DEFAULT_STREAMING_PROFILE;
    this.hlsTransformation = `sp_${streamingProfile}/m3u8`;
    this.apiSecret = apiSecret;
    // Credentials travel with each call instead of the SDK's process-wide `cloudinary.config()`,
    // so two instances (tests, key rotation) cannot overwrite each other.
    this.callOptions = { cloud_name: cloudName, api_key: apiKey, api_secret: apiSecret };
    if (uploadPrefix !== undefined) {
      this.callOptions.upload_prefix = uploadPrefix.replace(/\/+$/, '');
      // The SDK picks `https` or `http` once, when its uploader module is first loaded, from the
      // config known at that moment; an `http:` prefix set later fails with ERR_INVALID_PROTOCOL.
      // An explicit http agent makes Node accept the plain-HTTP prefix whatever the load order.
      if (uploadPrefix.startsWith('http:')) this.callOptions.agent = new Agent();
    }
  }

  async upload(input: MediaUploadInput): Promise<StoredMedia> {
    const options: UploadApiOptions = {
      ...this.callOptions,
      resource_type: input.resourceType,
      folder: input.folder,
    };
    const response =
      'path' in input.source
        ? await uploadChunked(input.source.path, options)
        : await uploadBuffer(input.source.buffer, options);

    if (typeof response.secure_url !== 'string' || typeof response.public_id !== 'string') {
      throw new MediaStorageError('Cloudinary upload answered without secure_url/public_id');
    }
    return {
      url: response.secure_url,
      key: response.public_id,
      resourceType: input.resourceType,
      durationSeconds: typeof response.duration === 'number' ? response.duration : null,
      bytes: typeof response.bytes === 'number' ? response.bytes : 0,
    };
  }

  async delete(key: string, resourceType: MediaResourceType): Promise<void> {
    // Not an inline literal: the SDK's typing of destroy options omits the per-call credentials.
    const options = { ...this.callOptions, resource_type: resourceType, invalidate: true };
    let result: unknown;
    try {
      result = (
        (await cloudinary.uploader.destroy(key, options)) as { result?: unknown } | undefined
      )?.result;
    } catch (error) {
      throw toStorageError('destroy', error);
    }
    // "not found" is success: `MediaStorage.delete` is idempotent.
    if (result !== 'ok' && result !== 'not found') {
      throw new MediaStorageError(`Cloudinary destroy of ${key} answered result=${String(result)}`);
    }
  }

  /**
   * Asks Cloudinary to derive the HLS rendition set of an uploaded video (an eager streaming
   * profile, generated asynchronously); `notificationUrl` is POSTed when it is done. Answers
   * `ready` when the derivative already exists, `pending` otherwise.
   */
  async requestHls(key: string, notificationUrl: string | undefined): Promise<HlsDerivative> {
    const options = {
      ...this.callOptions,
      type: 'upload',
      resource_type: 'video' as const,
      eager: [{ raw_transformation: this.hlsTransformation }],
      eager_async: true,
      ...(notificationUrl === undefined ? {} : { eager_notification_url: notificationUrl }),
    };
    let response: unknown;
    try {
      response = await cloudinary.uploader.explicit(key, options);
    } catch (error) {
      if (httpStatusOf(error) === 404) return { state: 'missing' };
      throw toStorageError('explicit', error);
    }
    return (
      this.derivativeIn(isRecord(response) ? response.eager : undefined) ?? { state: 'pending' }
    );
  }

  /** Polls the Admin API for the HLS derivative of a video (the backstop when no notification came). */
  async hlsDerivative(key: string): Promise<HlsDerivative> {
    let resource: unknown;
    try {
      resource = await cloudinary.api.resource(key, {
        ...this.callOptions,
        resource_type: 'video',
        type: 'upload',
      });
    } catch (error) {
      if (httpStatusOf(error) === 404) return { state: 'missing' };
      throw toStorageError('resource', error);
    }
    return (
      this.derivativeIn(isRecord(resource) ? resource.derived : undefined) ?? { state: 'pending' }
    );
  }

  /**
   * Checks a notification's `X-Cld-Signature` (hex SHA-1 of body, timestamp and API secret) and
   * `X-Cld-Timestamp` (within two hours either way), then reads what it says about an HLS
   * derivative. `rawBody` must be the exact bytes received.
   */
  readNotification(
    rawBody: string,
    timestamp: string | undefined,
    signature: string | undefined,
    nowSeconds = Date.now() / 1000,
  ): CloudinaryNotification {
    if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp))
      return { kind: 'invalid-signature' };
    if (Math.abs(nowSeconds - Number(timestamp)) > NOTIFICATION_MAX_AGE_SECONDS)
      return { kind: 'invalid-signature' };
    const expected = Buffer.from(
      createHash('sha1')
        .update(rawBody + timestamp + this.apiSecret)
        .digest('hex'),
    );
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { kind: 'invalid-signature' };

    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { kind: 'other' };
    }
    if (!isRecord(body) || body.notification_type !== 'eager') return { kind: 'other' };
    if (typeof body.public_id !== 'string') return { kind: 'other' };
    const outcome = this.derivativeIn(body.eager);
    if (!outcome || (outcome.state !== 'ready' && outcome.state !== 'failed'))
      return { kind: 'other' };
    return { kind: 'hls', publicId: body.public_id, outcome };
  }

  /** The HLS entry of an `eager` or `derived` list: ready with its URL, failed, or null when absent or still processing. */
  private derivativeIn(list: unknown): HlsDerivative | null {
    if (!Array.isArray(list)) return null;
    const entry: unknown = list.find(
      (item: unknown) => isRecord(item) && item.transformation === this.hlsTransformation,
    );
    if (!isRecord(entry)) return null;
    if (entry.status === 'failed') {
      const reason = typeof entry.reason === 'string' ? entry.reason : 'failed';
      return { state: 'failed', reason };
    }
    if (entry.status === 'processing' || entry.status === 'pending') return null;
    if (typeof entry.secure_url === 'string' && entry.secure_url.startsWith('https://'))
      return { state: 'ready', url: entry.secure_url };
    return null;
  }
}

/**
 * Streams the file from disk in chunks (X-Unique-Upload-Id + Content-Range), so at most one chunk
 * is held in memory and each request stays under Cloudinary's single-request limit.
 */
function uploadChunked(path: string, options: UploadApiOptions): Promise<UploadApiResponse> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(path, { highWaterMark: READ_HIGH_WATER_MARK });
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      // The SDK's chunker stops consuming after a failed chunk; release the file and the stream.
      source.destroy();
      chunker.destroy();
      reject(toStorageError('upload', error));
    };
    const chunker = cloudinary.uploader.upload_chunked_stream(
      { ...options, chunk_size: CHUNK_SIZE },
      (error, result) => {
        if (error || !result) return fail(error ?? 'finished without a result');
        if (settled) return;
        settled = true;
        resolve(result);
      },
    );
    source.on('error', fail);
    chunker.on('error', fail);
    source.pipe(chunker);
  });
}

/** Small images already in memory go up in one streamed request. */
function uploadBuffer(buffer: Buffer, options: UploadApiOptions): Promise<UploadApiResponse> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown): void => reject(toStorageError('upload', error));
    const stream = cloudinary.uploader.upload_stream(options, (error, result) => {
      if (error || !result) fail(error ?? 'finished without a result');
      else resolve(result);
    });
    stream.on('error', fail);
    stream.end(buffer);
  });
}

/**
 * The SDK rejects with `{ message, http_code }` for HTTP errors, `{ error: Error }` for socket
 * errors and plain Errors for local problems. The message stays in logs: the exception filter
 * answers 502 `Media storage error` and never shows it to clients.
 */
function toStorageError(
  action: 'upload' | 'destroy' | 'explicit' | 'resource',
  error: unknown,
): MediaStorageError {
  const inner = sdkFailure(error);
  const message =
    isRecord(inner) && typeof inner.message === 'string' ? inner.message : String(inner);
  const status = httpStatusOf(error);
  const unreadable = action === 'upload' && status === 400 && UNREADABLE_MEDIA.test(message);
  return new MediaStorageError(
    `Cloudinary ${action} failed (${status ?? 'no HTTP status'}): ${message}`,
    unreadable,
  );
}

/** The failure itself: the SDK wraps socket errors as `{ error }`. */
function sdkFailure(error: unknown): unknown {
  return isRecord(error) && isRecord(error.error) ? error.error : error;
}

/** The HTTP status Cloudinary answered (`http_code`), if the failure came from an answer. */
function httpStatusOf(error: unknown): number | undefined {
  const inner = sdkFailure(error);
  return isRecord(inner) && typeof inner.http_code === 'number' ? inner.http_code : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
