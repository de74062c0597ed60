import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { copyFile, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import {
  contentTypeForExtension,
  extensionForContentType,
} from 'src/infrastructure/media/media-content-type.util';
import {
  type LocalMediaFile,
  type MediaResourceType,
  MediaStorage,
  MediaStorageError,
  type MediaUploadInput,
  type StoredMedia,
} from 'src/infrastructure/media/media-storage.port';

/**
 * The only key shape this adapter writes: `<folder>/<uuid v4>.<ext>`. Checking it before touching
 * the disk means a request path can only ever name a file this adapter created (no `..`, no hidden
 * files, no temp files), and the random UUID makes keys unguessable.
 */
const KEY_PATTERN =
  /^[a-z0-9][a-z0-9_-]{0,63}\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.[a-z0-9]{1,8}$/;
const FOLDER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
/** HLS renditions of one transcode: a folder `hls/<uuid v4>` created by this adapter. */
export const RENDITIONS_FOLDER = 'hls';
const RENDITION_FOLDER_PATTERN = new RegExp(`^${RENDITIONS_FOLDER}/${UUID}$`);
/** The files ffmpeg writes in it: playlists and MPEG-TS segments, flat, lower-case names. */
const RENDITION_FILE_PATTERN = new RegExp(
  `^${RENDITIONS_FOLDER}/${UUID}/[a-z0-9][a-z0-9_]{0,31}\\.(m3u8|ts)$`,
);

/** Development and test storage: files on local disk, served by `GET /media/*`. */
export class LocalMediaStorage extends MediaStorage {
  readonly kind = 'local';
  private readonly root: string;
  private readonly uploadTmpDir: string;
  private readonly publicBaseUrl: string;

  constructor(config: Pick<AppConfig['media'], 'localDir' | 'publicBaseUrl' | 'uploadTmpDir'>) {
    super();
    this.root = resolve(config.localDir);
    this.uploadTmpDir = resolve(config.uploadTmpDir);
    this.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  }

  async upload(input: MediaUploadInput): Promise<StoredMedia> {
    if (!FOLDER_PATTERN.test(input.folder))
      throw new MediaStorageError(`Invalid media folder: ${input.folder}`);
    const key = `${input.folder}/${randomUUID()}.${extensionForContentType(input.contentType)}`;
    const target = resolve(this.root, key);

    try {
      await mkdir(dirname(target), { recursive: true });
      // copyFile lets the kernel copy (copy_file_range/sendfile): a 100 MB video never passes through
      // JS memory. Copy rather than rename: the temp file belongs to the upload pipeline, which
      // removes it when the request ends, and the temp dir may sit on another filesystem.
      if ('path' in input.source) {
        await copyFile(input.source.path, target, constants.COPYFILE_EXCL);
      } else {
        await writeFile(target, input.source.buffer, { flag: 'wx' });
      }
      const { size } = await stat(target);
      return {
        url: `${this.publicBaseUrl}/media/${key}`,
        key,
        resourceType: input.resourceType,
        // The video module reads the MP4 duration itself; local storage does not inspect media.
        durationSeconds: null,
        bytes: size,
      };
    } catch (error) {
      // EXCL means an existing file is someone else's: never remove it.
      if (errorCode(error) !== 'EEXIST') await rm(target, { force: true }).catch(() => undefined);
      throw new MediaStorageError(`Local media write failed for ${key}: ${describeError(error)}`);
    }
  }

  async delete(key: string, _resourceType: MediaResourceType): Promise<void> {
    const path = this.pathOf(key);
    if (path === null)
      throw new MediaStorageError(`Refusing to delete a key this adapter never writes: ${key}`);
    try {
      await unlink(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw new MediaStorageError(`Local media delete failed for ${key}: ${describeError(error)}`);
    }
  }

  /**
   * A new, empty folder for one transcode's renditions: its key (`hls/<uuid>`) and where it is on
   * disk (for ffmpeg). Its files are served under `GET /media/<key>/<file>`.
   */
  async createRenditionFolder(
    key: string = this.newRenditionFolderKey(),
  ): Promise<{ key: string; dir: string }> {
    if (!RENDITION_FOLDER_PATTERN.test(key))
      throw new MediaStorageError(`Not a rendition folder key: ${key}`);
    const dir = resolve(this.root, key);
    await mkdir(dir, { recursive: true });
    return { key, dir };
  }

  /** A new rendition folder's key, to be recorded before the folder is made (nothing is created). */
  newRenditionFolderKey(): string {
    return `${RENDITIONS_FOLDER}/${randomUUID()}`;
  }

  /** The delivery URL of a file in a rendition folder. */
  renditionUrl(folderKey: string, file: string): string {
    return `${this.publicBaseUrl}/media/${folderKey}/${file}`;
  }

  /** Removes a rendition folder and everything in it; idempotent. */
  async deleteRenditionFolder(folderKey: string): Promise<void> {
    if (!RENDITION_FOLDER_PATTERN.test(folderKey))
      throw new MediaStorageError(
        `Refusing to delete a folder this adapter never writes: ${folderKey}`,
      );
    try {
      await rm(resolve(this.root, folderKey), { recursive: true, force: true });
    } catch (error) {
      throw new MediaStorageError(
        `Local media delete failed for ${folderKey}: ${describeError(error)}`,
      );
    }
  }

  /** The stored file for a key, or null when the key is malformed or nothing is stored under it. */
  async open(key: string): Promise<LocalMediaFile | null> {
    const path = this.pathOf(key);
    if (path === null) return null;
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return null;
      const size = stats.size;
      return {
        path,
        size,
        contentType: contentTypeForExtension(extname(path).slice(1)),
        stream: (range) =>
          createReadStream(path, range ? { start: range.start, end: range.end } : {}),
      };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw error;
    }
  }

  private pathOf(key: string): string | null {
    if (!KEY_PATTERN.test(key) && !RENDITION_FILE_PATTERN.test(key)) return null;
    const path = resolve(this.root, key);
    // Redundant with the pattern, kept as a second fence: never outside the media dir, never in the temp dir.
    if (!isInside(this.root, path) || isInside(this.uploadTmpDir, path)) return null;
    return path;
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

// Duck-typed rather than `instanceof Error`: fs errors can come from another realm (Jest's VM context).
function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : undefined;
}
