import type { Readable } from 'node:stream';

/** Resource types as the storage provider understands them. Videos and images are deleted differently. */
export type MediaResourceType = 'video' | 'image';

export interface MediaUploadInput {
  /** Absolute path of a temporary file, or an in-memory buffer (small images). */
  source: { path: string } | { buffer: Buffer };
  resourceType: MediaResourceType;
  /** Content type decided from the bytes (e.g. `video/mp4`, `image/png`). */
  contentType: string;
  /** Logical folder such as `videos`, `thumbnails`, `avatars`. */
  folder: string;
}

export interface StoredMedia {
  /** Public HTTPS (or local) delivery URL returned to clients. */
  url: string;
  /** Internal storage key (Cloudinary `public_id`); never sent to clients. */
  key: string;
  resourceType: MediaResourceType;
  /** Duration in seconds when the provider reports one (videos), otherwise null. */
  durationSeconds: number | null;
  bytes: number;
}

/** Raised by adapters for any provider failure; mapped to 502 STORAGE_ERROR by the exception filter. */
export class MediaStorageError extends Error {
  constructor(
    message: string,
    /** True when the provider rejected the file itself as unreadable media (not an outage). */
    readonly unreadableMedia = false,
  ) {
    super(message);
    this.name = 'MediaStorageError';
  }
}

export abstract class MediaStorage {
  abstract readonly kind: 'local' | 'cloudinary';
  abstract upload(input: MediaUploadInput): Promise<StoredMedia>;
  /** Idempotent: deleting a missing key succeeds. */
  abstract delete(key: string, resourceType: MediaResourceType): Promise<void>;
}

/** Only the local adapter serves files itself (GET /media/*). */
export interface LocalMediaFile {
  path: string;
  size: number;
  contentType: string;
  stream(range?: { start: number; end: number }): Readable;
}
