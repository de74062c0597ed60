import { MediaStorageError } from 'src/infrastructure/media/media-storage.port';

/** The content types the upload checks let through (docs/api.md#uploads), by stored extension. */
const EXTENSION_BY_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'video/mp4': 'mp4',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

const CONTENT_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EXTENSION_BY_CONTENT_TYPE).map(([contentType, extension]) => [
    extension,
    contentType,
  ]),
);

export function extensionForContentType(contentType: string): string {
  const extension = EXTENSION_BY_CONTENT_TYPE[contentType];
  if (extension === undefined)
    throw new MediaStorageError(`No stored extension for content type ${contentType}`);
  return extension;
}

/** HLS renditions (written by ffmpeg, not uploaded): playlists and MPEG-TS segments. */
const RENDITION_CONTENT_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
};

/** Served type of a stored file; the extension was itself derived from the detected type at upload. */
export function contentTypeForExtension(extension: string): string {
  return (
    CONTENT_TYPE_BY_EXTENSION[extension] ??
    RENDITION_CONTENT_TYPES[extension] ??
    'application/octet-stream'
  );
}
