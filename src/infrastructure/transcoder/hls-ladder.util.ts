/** What ffprobe tells about a source, as far as the ladder needs it. */
export interface SourceInfo {
  /** Displayed size (rotation applied: a portrait phone clip is taller than wide). */
  width: number;
  height: number;
  hasAudio: boolean;
  /** Seconds; null when the container does not say. */
  durationSeconds: number | null;
}

/** One HLS rendition: its name (file prefix), the size of its short side and its video bitrate. */
export interface Rendition {
  name: string;
  shortSide: number;
  videoKbps: number;
}

/** The ladder, smallest first: a rung is used only when the source's short side reaches it. */
const LADDER: readonly Rendition[] = [
  { name: '360p', shortSide: 360, videoKbps: 800 },
  { name: '720p', shortSide: 720, videoKbps: 2800 },
];
/** A source smaller than the lowest rung keeps its own size, at a bitrate for that size. */
const SMALL_SOURCE_KBPS = 500;
export const AUDIO_KBPS = 128;
/** Target segment length, seconds; keyframes are forced on it so segments cut there. */
export const SEGMENT_SECONDS = 4;
export const MASTER_PLAYLIST = 'master.m3u8';

/**
 * The renditions for a source: every rung its short side reaches (never upscaled); a source
 * below the lowest rung gets one rendition at its own size (rounded down to even, as H.264
 * 4:2:0 needs).
 */
export function planRenditions(source: Pick<SourceInfo, 'width' | 'height'>): Rendition[] {
  const shortSide = Math.min(source.width, source.height);
  const rungs = LADDER.filter((rung) => rung.shortSide <= shortSide);
  if (rungs.length > 0) return rungs;
  const even = Math.max(2, shortSide - (shortSide % 2));
  return [{ name: `${even}p`, shortSide: even, videoKbps: SMALL_SOURCE_KBPS }];
}

/**
 * ffmpeg's arguments for one run producing every rendition, their media playlists, 4 s MPEG-TS
 * segments and a master playlist listing them (ffmpeg writes BANDWIDTH and RESOLUTION from the
 * bitrates set here). Progress goes to stdout (`-progress pipe:1`), errors to stderr.
 */
export function hlsArguments(
  input: string,
  outputDir: string,
  source: Pick<SourceInfo, 'width' | 'height' | 'hasAudio'>,
  renditions: readonly Rendition[],
): string[] {
  const portrait = source.height > source.width;
  const labels = renditions.map((_, index) => `v${index}`);
  const scaled = renditions.map((rendition, index) => {
    // The short side is the rung; the other follows the aspect ratio, rounded to even.
    const size = portrait ? `${rendition.shortSide}:-2` : `-2:${rendition.shortSide}`;
    return `[${labels[index]}]scale=${size},format=yuv420p[${labels[index]}o]`;
  });
  const filter = [`[0:v:0]split=${renditions.length}${labels.map((l) => `[${l}]`).join('')}`]
    .concat(scaled)
    .join(';');

  const streams = renditions.flatMap((rendition, index) => {
    const kbps = rendition.videoKbps;
    const video = [
      '-map',
      `[${labels[index]}o]`,
      `-c:v:${index}`,
      'libx264',
      `-b:v:${index}`,
      `${kbps}k`,
      `-maxrate:v:${index}`,
      `${Math.round(kbps * 1.1)}k`,
      `-bufsize:v:${index}`,
      `${kbps * 2}k`,
    ];
    return source.hasAudio ? [...video, '-map', '0:a:0'] : video;
  });
  const streamMap = renditions
    .map((rendition, index) =>
      source.hasAudio
        ? `v:${index},a:${index},name:${rendition.name}`
        : `v:${index},name:${rendition.name}`,
    )
    .join(' ');

  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-i',
    input,
    '-filter_complex',
    filter,
    ...streams,
    '-preset',
    'veryfast',
    '-profile:v',
    'main',
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
    ...(source.hasAudio ? ['-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2'] : []),
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SECONDS),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'mpegts',
    '-hls_segment_filename',
    `${outputDir}/%v_%03d.ts`,
    '-master_pl_name',
    MASTER_PLAYLIST,
    '-var_stream_map',
    streamMap,
    `${outputDir}/%v.m3u8`,
  ];
}

/**
 * Reads ffmpeg's `-progress` output (`key=value` lines): the latest `out_time_us` in a chunk, as
 * seconds, or null when the chunk carries none (or ffmpeg reports `N/A` before the first frame).
 */
export function lastOutTimeSeconds(chunk: string): number | null {
  let seconds: number | null = null;
  for (const line of chunk.split('\n')) {
    const match = /^out_time_us=(\d+)\s*$/.exec(line);
    if (match) seconds = Number(match[1]) / 1_000_000;
  }
  return seconds;
}

/** Progress 0–99 while running (100 is for `ready` alone). */
export function progressPercent(outSeconds: number, durationSeconds: number): number {
  if (!(durationSeconds > 0)) return 0;
  return Math.max(0, Math.min(99, Math.floor((outSeconds / durationSeconds) * 100)));
}

/**
 * The displayed size from ffprobe's stream fields: a rotation of ±90° (side data or the legacy
 * `rotate` tag) swaps width and height, as ffmpeg's autorotation does before the filters run.
 */
export function displaySize(
  width: number,
  height: number,
  rotation: number | null,
): { width: number; height: number } {
  const quarterTurns = Math.round((rotation ?? 0) / 90);
  return Math.abs(quarterTurns) % 2 === 1 ? { width: height, height: width } : { width, height };
}
