import { parseFile } from 'music-metadata';

/**
 * The duration of an MP4 on disk, in seconds, or null when its headers give none (the upload
 * answers 415).
 *
 * music-metadata reads only the boxes it needs and skips `mdat` by seeking, so a 100 MB upload
 * costs a few small reads. It reports `format.duration` from the audio track; a video-only file
 * has its length in the track headers instead, so the longest track is the fallback.
 */
export async function readMp4DurationSeconds(path: string): Promise<number | null> {
  try {
    const { format } = await parseFile(path, { skipCovers: true, duration: false });
    const candidates = [format.duration, ...format.trackInfo.map((track) => track.duration)];
    const longest = Math.max(0, ...candidates.filter(isPositiveFinite));
    return longest > 0 ? longest : null;
  } catch (error) {
    // A failing disk is our problem (500), not the file's; anything the parser rejects —
    // truncated or corrupt boxes, not an MP4 at all — is "unreadable", like a missing header.
    if (isSystemError(error)) throw error;
    return null;
  }
}

function isSystemError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error;
}

function isPositiveFinite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
