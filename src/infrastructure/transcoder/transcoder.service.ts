import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { runProcess } from 'src/infrastructure/transcoder/child-process.util';
import {
  displaySize,
  hlsArguments,
  lastOutTimeSeconds,
  MASTER_PLAYLIST,
  planRenditions,
  type Rendition,
  type SourceInfo,
} from 'src/infrastructure/transcoder/hls-ladder.util';

/**
 * `up`: ffmpeg and ffprobe answered at boot; `absent`: one of them did not (videos stay MP4
 * only); `disabled`: `VIDEO_TRANSCODING=off`.
 */
export type TranscoderStatus = 'up' | 'absent' | 'disabled';

/**
 * A transcode that did not produce renditions. `message` is what the video's owner reads (no
 * paths, no ffmpeg output); `detail` is for the log.
 */
export class TranscodeError extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'TranscodeError';
  }
}

export interface HlsJob {
  input: string;
  /** An empty directory the renditions and playlists are written into. */
  outputDir: string;
  signal: AbortSignal;
  /** Seconds of the source transcoded so far, as ffmpeg reports it (several times a second). */
  onProgress: (outSeconds: number, source: SourceInfo) => void;
}

export interface HlsResult {
  /** File name of the master playlist inside `outputDir`. */
  masterPlaylist: string;
  renditions: Rendition[];
}

/**
 * The system ffmpeg and ffprobe (Debian `ffmpeg`), behind one small adapter: found or not at
 * boot, run with `spawn` under `nice`, never through a shell. The application works without them
 * (MP4 only); `/health` reports which.
 */
@Injectable()
export class Transcoder implements OnModuleInit {
  private readonly logger = new Logger('Transcoder');
  private state: TranscoderStatus = 'absent';
  /** ffmpeg runs in the SCHED_IDLE class: asked for (`VIDEO_PROCESSING_CPU_CLASS=idle`) and `chrt` works here. */
  private idleClass = false;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get status(): TranscoderStatus {
    return this.state;
  }

  get available(): boolean {
    return this.state === 'up';
  }

  async onModuleInit(): Promise<void> {
    const { transcoding, ffmpegPath, ffprobePath } = this.config.media.processing;
    if (transcoding === 'off') {
      this.state = 'disabled';
      return;
    }
    const answers = await Promise.all(
      [ffprobePath, ffmpegPath].map(async (binary) => {
        try {
          return (await runProcess(binary, ['-version'])).code === 0;
        } catch (error) {
          this.logger.warn(`${binary} -version failed: ${describeError(error)}`);
          return false;
        }
      }),
    );
    this.state = answers.every(Boolean) ? 'up' : 'absent';
    if (this.state === 'absent') {
      this.logger.warn('ffmpeg/ffprobe not found: videos are served as MP4 only (no HLS)');
      return;
    }
    if (this.config.media.processing.cpuClass !== 'idle') return;
    this.idleClass = await idleClassWorks();
    if (!this.idleClass)
      this.logger.warn('chrt --idle is not available here: ffmpeg runs under nice alone');
  }

  /** The CPU class ffmpeg runs in (logged by the measure script, asserted by tests). */
  get cpuClass(): 'idle' | 'normal' {
    return this.idleClass ? 'idle' : 'normal';
  }

  /** The source's video size (rotation applied), audio and duration; throws TranscodeError. */
  async probe(input: string, signal: AbortSignal): Promise<SourceInfo> {
    const result = await runProcess(
      this.config.media.processing.ffprobePath,
      [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_entries',
        'stream=codec_type,width,height:stream_tags=rotate:stream_side_data=rotation:format=duration',
        input,
      ],
      { signal, collectStdout: true },
    );
    if (result.code !== 0)
      throw new TranscodeError('The video file could not be read', result.stderrTail);
    const parsed = parseProbe(result.stdout);
    if (!parsed) throw new TranscodeError('The video file has no video stream', result.stdout);
    return parsed;
  }

  /** Probes, then writes the HLS renditions and master playlist into `outputDir`. */
  async toHls(job: HlsJob): Promise<HlsResult> {
    const source = await this.probe(job.input, job.signal);
    const renditions = planRenditions(source);
    const { ffmpegPath, niceness } = this.config.media.processing;
    const result = await runProcess(
      ffmpegPath,
      hlsArguments(job.input, job.outputDir, source, renditions),
      {
        signal: job.signal,
        niceness,
        idleClass: this.idleClass,
        onStdout: (chunk) => {
          const seconds = lastOutTimeSeconds(chunk);
          if (seconds !== null) job.onProgress(seconds, source);
        },
      },
    );
    if (result.code !== 0)
      throw new TranscodeError(
        'The video could not be decoded',
        `ffmpeg exited with ${result.code ?? result.signal}: ${result.stderrTail}`,
      );
    return { masterPlaylist: MASTER_PLAYLIST, renditions };
  }
}

/** `chrt --idle 0 true` succeeds where the SCHED_IDLE class exists and may be entered. */
async function idleClassWorks(): Promise<boolean> {
  try {
    return (await runProcess('chrt', ['--idle', '0', 'true'])).code === 0;
  } catch {
    return false;
  }
}

interface ProbeJson {
  streams?: {
    codec_type?: string;
    width?: number;
    height?: number;
    tags?: { rotate?: string };
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { duration?: string };
}

function parseProbe(stdout: string): SourceInfo | null {
  let json: ProbeJson;
  try {
    json = JSON.parse(stdout) as ProbeJson;
  } catch {
    return null;
  }
  const streams = json.streams ?? [];
  const video = streams.find(
    (stream) =>
      stream.codec_type === 'video' && (stream.width ?? 0) > 0 && (stream.height ?? 0) > 0,
  );
  if (!video?.width || !video.height) return null;
  const rotation =
    video.side_data_list?.find((data) => typeof data.rotation === 'number')?.rotation ??
    (video.tags?.rotate !== undefined ? Number(video.tags.rotate) : null);
  const duration = Number(json.format?.duration);
  return {
    ...displaySize(video.width, video.height, Number.isFinite(rotation) ? rotation : null),
    hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
    durationSeconds: Number.isFinite(duration) && duration > 0 ? duration : null,
  };
}
