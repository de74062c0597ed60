export type DetectedFileType = 'mp4' | 'jpeg' | 'png';

export interface UploadFieldSpec {
  /** Largest accepted file, in bytes; enforced while the request streams. */
  maxBytes: number;
  /** `disk` streams to UPLOAD_TMP_DIR (videos); `memory` buffers (images up to 5 MB). */
  storage: 'disk' | 'memory';
  accepts: DetectedFileType[];
  messages: { tooLarge: string; wrongType: string; missing: string };
}

export type UploadSpec = Record<string, UploadFieldSpec>;

export interface ReceivedFile {
  field: string;
  size: number;
  /** Set for disk storage. */
  path?: string;
  /** Set for memory storage. */
  buffer?: Buffer;
  /** Decided from the bytes, never from the client's declared type or name. */
  detectedType: DetectedFileType | null;
}

/** Files of one upload request after every check passed: one per declared field. */
export type VerifiedFiles<Fields extends string> = Record<
  Fields,
  ReceivedFile & { detectedType: DetectedFileType }
>;

export const CONTENT_TYPES: Record<DetectedFileType, string> = {
  mp4: 'video/mp4',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** The whole multipart body is capped at 106 MB (docs/api.md#uploads). */
export const MULTIPART_BODY_LIMIT = 106 * 1024 * 1024;
