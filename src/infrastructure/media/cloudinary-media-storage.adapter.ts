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

  constructor(config: Pick<AppConfig['media'], 'cloudinary'>) {
    super();
    const { cloudName, apiKey, apiSecret, uploadPrefix } = config.cloudinary;
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
function toStorageError(action: 'upload' | 'destroy', error: unknown): MediaStorageError {
  const inner = isRecord(error) && isRecord(error.error) ? error.error : error;
  const message =
    isRecord(inner) && typeof inner.message === 'string' ? inner.message : String(inner);
  const status =
    isRecord(inner) && typeof inner.http_code === 'number' ? inner.http_code : undefined;
  const unreadable = action === 'upload' && status === 400 && UNREADABLE_MEDIA.test(message);
  return new MediaStorageError(
    `Cloudinary ${action} failed (${status ?? 'no HTTP status'}): ${message}`,
    unreadable,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
