import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { describeError, errorTrace } from 'src/common/errors/describe-error.util';
import { DomainEvents } from 'src/common/events/domain-events';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import type { JobQueue } from 'src/infrastructure/jobs/job-queue';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import {
  CloudinaryMediaStorage,
  type CloudinaryNotification,
  type HlsDerivative,
} from 'src/infrastructure/media/cloudinary-media-storage.adapter';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import { MediaStorage } from 'src/infrastructure/media/media-storage.port';
import { isAbortError } from 'src/infrastructure/transcoder/child-process.util';
import { progressPercent } from 'src/infrastructure/transcoder/hls-ladder.util';
import { TranscodeError, Transcoder } from 'src/infrastructure/transcoder/transcoder.service';
import { UNFINISHED_PROCESSING_STATES } from 'src/modules/videos/schemas/video.schema';
import type {
  DueRunRecord,
  ProcessingSourceRecord,
  VideoRecord,
} from 'src/modules/videos/video-records.type';
import { VideoMediaService } from 'src/modules/videos/video-media.service';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** Progress is written at most this often per run (ffmpeg reports several times a second). */
const PROGRESS_WRITE_INTERVAL_MS = 2000;
/** Videos read per query when a boot picks up unfinished processing. */
const RESUME_BATCH = 100;
/** What the owner reads when a run failed for a reason that is not the file's. */
const GENERIC_FAILURE = 'Processing failed';
/** What the owner reads when Cloudinary could not derive the renditions (its reason goes to the log). */
const DERIVATIVE_FAILURE = 'The video could not be processed';
const MISSING_SOURCE = 'The video file is missing';
const TIMED_OUT = 'Processing timed out';
/** Due Cloudinary checks taken per poll. */
const POLL_BATCH = 50;
/** With the polling timer off (tests, `CLOUDINARY_HLS_POLL_SECONDS=0`), a taken check is due again after this. */
const DEFAULT_POLL_SECONDS = 30;

/** How this server processes new videos. */
type ProcessingMode = 'local' | 'cloudinary' | 'none';

interface ProcessingJob {
  videoId: string;
}

interface RunningTranscode {
  abort: AbortController;
  /** Settles when the run has stopped and removed what it wrote. */
  done: Promise<void>;
}

/**
 * Processing after upload (docs/architecture.md, "Processing pipeline"). Each new video is queued
 * on the `video-processing` job queue (bounded by `VIDEO_PROCESSING_CONCURRENCY`):
 * - local storage with a transcoder: a run turns the MP4 into HLS renditions in a folder of its
 *   own (ffmpeg under `nice`, in the SCHED_IDLE class where it can);
 * - Cloudinary: a run asks for the eager HLS derivative and ends; the signed notification
 *   (`acceptCloudinaryNotification`) or the poll (`pollDerivatives`) settles the video later.
 * Every state write is a compare-and-set on the run's id, so a run that lost its video (deleted,
 * retried, or taken over after a restart) changes nothing (and removes its folder). With
 * `VIDEO_TRANSCODING=off`, or local storage without ffmpeg, a video is `ready` at once with its MP4.
 *
 * A run that ends while it still holds its video announces `video.processed` (ready or failed),
 * which tells the owner; nothing else does (a video `ready` without a run had its MP4 all along).
 */
@Injectable()
export class VideoProcessingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(VideoProcessingService.name);
  private readonly queue: JobQueue<ProcessingJob>;
  private readonly running = new Map<string, RunningTranscode>();
  private stopping = false;
  private readonly resumeAtBoot: boolean;
  private resumed: Promise<void> = Promise.resolve();
  private readonly cloudinary: AppConfig['media']['cloudinary'];
  private readonly leaseMs: number;
  private checkTimer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly videos: VideosRepository,
    private readonly storage: MediaStorage,
    private readonly transcoder: Transcoder,
    private readonly media: VideoMediaService,
    private readonly database: DatabaseSupervisorService,
    private readonly events: DomainEvents,
    jobs: JobQueues,
    @InjectConfig() config: AppConfig,
  ) {
    this.resumeAtBoot = config.media.processing.resumeAtBoot;
    this.cloudinary = config.media.cloudinary;
    this.leaseMs = config.media.processing.leaseSeconds * 1000;
    this.queue = jobs.create<ProcessingJob>(
      'video-processing',
      ({ videoId }) => this.run(videoId),
      // A transcode that failed fails again the same way: the owner retries, not the queue.
      { concurrency: config.media.processing.concurrency, attempts: 1 },
    );
  }

  /** The state a new video starts in. */
  initialState(): 'queued' | 'ready' {
    return this.mode() === 'none' ? 'ready' : 'queued';
  }

  /** Queues a run for a `queued` video (one run per video at a time). */
  enqueue(videoId: string): void {
    this.queue.enqueue({ videoId }, { key: videoId });
  }

  /**
   * The owner's retry of a failed run: queued again, or `ready` with the MP4 alone when this
   * server cannot transcode any more. Null when the video is not (or no longer) failed.
   */
  async retry(videoId: string, ownerId: string): Promise<VideoRecord | null> {
    const next = this.initialState();
    const record = await this.videos.retryFailedProcessing(videoId, ownerId, next);
    if (record && next === 'queued') this.enqueue(videoId);
    return record;
  }

  /**
   * The video is deleted: its running transcode (if any) is killed; resolves once ffmpeg has
   * exited and the run's folder is removed. A run still waiting finds the video gone and stops.
   */
  async cancel(videoId: string): Promise<void> {
    const running = this.running.get(videoId);
    if (!running) return;
    running.abort.abort();
    await running.done;
  }

  /**
   * Boot: once the database is up (the app starts without it), processing a stopped process left
   * `queued` or `processing` is picked up again. Not awaited: boot never waits for the database.
   */
  onApplicationBootstrap(): void {
    if (!this.resumeAtBoot) return;
    this.resumed = this.database
      .whenReady()
      .then(() => (this.stopping ? undefined : this.resumeUnfinished()))
      .catch((error: unknown) =>
        this.logger.error('Picking up unfinished processing failed', errorTrace(error)),
      );
    // Due runs are looked at on a timer: expired leases (local) or derivatives to poll (Cloudinary).
    const mode = this.mode();
    const every =
      mode === 'local'
        ? this.leaseMs
        : mode === 'cloudinary'
          ? this.cloudinary.hlsPollSeconds * 1000
          : 0;
    if (every > 0) {
      this.checkTimer = setInterval(() => void this.checkOnce(), every);
      this.checkTimer.unref();
    }
  }

  /** Resolves once the boot's pick-up has run (at once when there is none): for tests. */
  whenResumed(): Promise<void> {
    return this.resumed;
  }

  /**
   * Every video whose processing never finished, in bounded batches: queued again, or ready.
   * (A Cloudinary run waiting for its derivative is not taken again: the poll follows it.)
   */
  async resumeUnfinished(): Promise<void> {
    const transcodes = this.mode() !== 'none';
    for (const state of UNFINISHED_PROCESSING_STATES) {
      let after: string | null = null;
      for (;;) {
        const ids = await this.videos.findInProcessingState(state, after, RESUME_BATCH);
        if (ids.length === 0) break;
        if (transcodes) for (const id of ids) this.enqueue(id);
        else await this.videos.settleUnfinishedProcessing(ids);
        this.logger.log(
          `${ids.length} video(s) left ${state} ${transcodes ? 'queued again' : 'set ready (MP4 only)'}`,
        );
        if (ids.length < RESUME_BATCH) break;
        after = ids[ids.length - 1];
      }
    }
  }

  /**
   * Shutdown kills the running transcodes: their videos stay `processing` in the database and
   * the next boot runs them again from the start.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.checkTimer) clearInterval(this.checkTimer);
    await this.checking;
    const runs = [...this.running.values()];
    for (const run of runs) run.abort.abort();
    await Promise.all(runs.map((run) => run.done));
  }

  /**
   * Cloudinary's POST to `/webhooks/cloudinary?video=…&run=…` (the eager notification URL a run
   * gave it): settles that run when the notification is signed, is about the video's own file,
   * and the run still holds the video. Anything else changes nothing. False when the signature
   * does not verify (or this server does not store on Cloudinary).
   */
  async acceptCloudinaryNotification(
    target: { videoId?: string; runId?: string },
    rawBody: string,
    timestamp: string | undefined,
    signature: string | undefined,
  ): Promise<boolean> {
    const storage = this.storage;
    if (!(storage instanceof CloudinaryMediaStorage)) return false;
    const notice: CloudinaryNotification = storage.readNotification(rawBody, timestamp, signature);
    if (notice.kind === 'invalid-signature') return false;
    if (notice.kind !== 'hls' || !target.videoId || !target.runId) return true;
    const source = await this.videos.findProcessingRun(target.videoId, target.runId);
    if (!source || source.videoFile.key !== notice.publicId) return true;
    await this.settleDerivative(source, target.runId, notice.outcome);
    return true;
  }

  /**
   * Local runs whose lease has passed (their process died without a clean shutdown): queued
   * again; the claim (one winner across instances) removes the dead run's folder. A run of this
   * process is never taken from itself. `now` is for tests.
   */
  async requeueExpired(now = new Date()): Promise<void> {
    if (this.mode() !== 'local') return;
    for (const run of await this.videos.findDueChecks(now, POLL_BATCH)) {
      const videoId = run._id.toHexString();
      if (this.running.has(videoId)) continue;
      this.logger.warn(`The transcode of video ${videoId} lost its process: queued again`);
      this.enqueue(videoId);
    }
  }

  /**
   * One round of the Cloudinary poll (the backstop when no notification arrives): each due run
   * is taken by one poller, asked for at the Admin API, and settled, or given up after
   * `CLOUDINARY_HLS_TIMEOUT_MINUTES`. `now` is for tests.
   */
  async pollDerivatives(now = new Date()): Promise<void> {
    const storage = this.storage;
    if (!(storage instanceof CloudinaryMediaStorage) || this.mode() !== 'cloudinary') return;
    const next = new Date(now.getTime() + this.pollIntervalMs());
    const timeoutMs = this.cloudinary.hlsTimeoutMinutes * 60_000;
    for (const run of await this.videos.findDueChecks(now, POLL_BATCH)) {
      if (this.stopping) return;
      const videoId = run._id.toHexString();
      const { runId, checkAt, startedAt } = run.processing;
      if (!(await this.videos.moveCheckAt(videoId, runId, next, checkAt))) continue;
      let derivative: HlsDerivative;
      try {
        derivative = await storage.hlsDerivative(run.videoFile.key);
      } catch (error) {
        this.logger.warn(
          `Polling the renditions of video ${videoId} failed: ${describeError(error)}`,
        );
        continue;
      }
      if (derivative.state !== 'pending') await this.settleDerivative(run, runId, derivative);
      else if (startedAt && now.getTime() - startedAt.getTime() >= timeoutMs)
        await this.fail(run, runId, TIMED_OUT);
    }
  }

  private mode(): ProcessingMode {
    if (this.transcoder.status === 'disabled') return 'none';
    if (this.storage instanceof CloudinaryMediaStorage) return 'cloudinary';
    return this.storage instanceof LocalMediaStorage && this.transcoder.available
      ? 'local'
      : 'none';
  }

  private pollIntervalMs(): number {
    return (this.cloudinary.hlsPollSeconds || DEFAULT_POLL_SECONDS) * 1000;
  }

  /** The timer's round: never two at once, never a rejection. */
  private async checkOnce(): Promise<void> {
    if (this.checking || this.stopping) return;
    this.checking = this.database
      .whenReady()
      .then(() => (this.mode() === 'cloudinary' ? this.pollDerivatives() : this.requeueExpired()))
      .catch((error: unknown) =>
        this.logger.error('Checking due processing failed', errorTrace(error)),
      )
      .finally(() => (this.checking = null));
    await this.checking;
  }

  private async run(videoId: string): Promise<void> {
    // Shutting down: the video stays queued in the database for the next boot.
    if (this.stopping) return;
    const storage = this.storage;
    if (storage instanceof CloudinaryMediaStorage && this.mode() === 'cloudinary') {
      await this.requestDerivative(storage, videoId);
      return;
    }
    if (!(storage instanceof LocalMediaStorage)) return;
    const runId = randomUUID();
    const outputKey = storage.newRenditionFolderKey();
    const source = await this.videos.claimProcessing(videoId, runId, {
      checkAt: new Date(Date.now() + this.leaseMs),
      outputKey,
      takeExpired: true,
    });
    // Deleted meanwhile, finished, or held by a live run (another instance).
    if (!source) return;
    // Taken over from a run whose process died: its half-written folder goes.
    if (source.previousOutputKey !== null)
      await this.media.deleteRenditionsQuietly(
        source.previousOutputKey,
        `take-over of video ${videoId}`,
      );
    const abort = new AbortController();
    let settle = (): void => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.running.set(videoId, { abort, done });
    try {
      await this.transcode(storage, source, runId, outputKey, abort.signal);
    } finally {
      this.running.delete(videoId);
      settle();
    }
  }

  private async transcode(
    storage: LocalMediaStorage,
    source: ProcessingSourceRecord,
    runId: string,
    outputKey: string,
    signal: AbortSignal,
  ): Promise<void> {
    const videoId = source._id.toHexString();
    const file = await storage.open(source.videoFile.key);
    if (!file) {
      await this.fail(source, runId, MISSING_SOURCE);
      return;
    }
    // The lease: renewed three times per period while ffmpeg runs.
    const renewal = setInterval(() => {
      this.videos
        .moveCheckAt(videoId, runId, new Date(Date.now() + this.leaseMs))
        .catch((error: unknown) =>
          this.logger.warn(`Lease of video ${videoId} not renewed: ${describeError(error)}`),
        );
    }, this.leaseMs / 3);
    try {
      await this.transcodeInto(storage, source, runId, file.path, outputKey, signal);
    } finally {
      clearInterval(renewal);
    }
  }

  private async transcodeInto(
    storage: LocalMediaStorage,
    source: ProcessingSourceRecord,
    runId: string,
    input: string,
    outputKey: string,
    signal: AbortSignal,
  ): Promise<void> {
    const videoId = source._id.toHexString();
    const folder = await storage.createRenditionFolder(outputKey);
    let lastWrite = Date.now();
    let writes: Promise<void> = Promise.resolve();
    try {
      const result = await this.transcoder.toHls({
        input,
        outputDir: folder.dir,
        signal,
        onProgress: (seconds, info) => {
          const now = Date.now();
          if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS) return;
          lastWrite = now;
          const progress = progressPercent(seconds, source.duration || (info.durationSeconds ?? 0));
          writes = writes
            .then(() => this.videos.setProcessingProgress(videoId, runId, progress))
            .catch((error: unknown) =>
              this.logger.warn(`Progress of video ${videoId} not saved: ${describeError(error)}`),
            );
        },
      });
      await writes;
      const hls = { url: storage.renditionUrl(folder.key, result.masterPlaylist), key: folder.key };
      if (await this.videos.finishProcessing(videoId, runId, hls)) {
        await this.announce(source, 'ready');
        return;
      }
      // The video was deleted (or taken over) while it was transcoded: its renditions go.
      await this.media.deleteRenditionsQuietly(folder.key, `processing of video ${videoId}`);
    } catch (error) {
      await writes;
      await this.media.deleteRenditionsQuietly(folder.key, `processing of video ${videoId}`);
      if (isAbortError(error)) {
        // A clean shutdown lets the run go, for the next boot to take at once.
        if (this.stopping) await this.videos.releaseRun(videoId, runId);
        return;
      }
      if (error instanceof TranscodeError) {
        this.logger.warn(
          `Processing of video ${videoId} failed: ${error.message}: ${error.detail}`,
        );
        await this.fail(source, runId, error.message);
        return;
      }
      this.logger.error(`Processing of video ${videoId} failed`, errorTrace(error));
      await this.fail(source, runId, GENERIC_FAILURE);
    }
  }

  /**
   * A Cloudinary run: takes the video (its first check due after one poll interval), then asks
   * for the eager HLS derivative with a notification URL naming the video and the run.
   */
  private async requestDerivative(storage: CloudinaryMediaStorage, videoId: string): Promise<void> {
    const runId = randomUUID();
    const source = await this.videos.claimProcessing(videoId, runId, {
      checkAt: new Date(Date.now() + this.pollIntervalMs()),
    });
    if (!source) return;
    let derivative: HlsDerivative;
    try {
      derivative = await storage.requestHls(
        source.videoFile.key,
        this.notificationUrl(videoId, runId),
      );
    } catch (error) {
      this.logger.warn(
        `Requesting the renditions of video ${videoId} failed: ${describeError(error)}`,
      );
      await this.fail(source, runId, GENERIC_FAILURE);
      return;
    }
    if (derivative.state !== 'pending') await this.settleDerivative(source, runId, derivative);
  }

  /** The eager notification URL of one run, or none when `CLOUDINARY_NOTIFICATION_URL` is unset. */
  private notificationUrl(videoId: string, runId: string): string | undefined {
    if (this.cloudinary.notificationUrl === undefined) return undefined;
    const url = new URL(this.cloudinary.notificationUrl);
    url.searchParams.set('video', videoId);
    url.searchParams.set('run', runId);
    return url.toString();
  }

  /** A Cloudinary run's outcome: ready with the derivative's playlist, or failed. */
  private async settleDerivative(
    source: ProcessingSourceRecord | DueRunRecord,
    runId: string,
    derivative: Exclude<HlsDerivative, { state: 'pending' }>,
  ): Promise<void> {
    const videoId = source._id.toHexString();
    switch (derivative.state) {
      case 'ready': {
        // The derivative lives under the video's own public id: deleting the video removes it.
        const hls = { url: derivative.url, key: source.videoFile.key };
        if (await this.videos.finishProcessing(videoId, runId, hls))
          await this.announce(source, 'ready');
        return;
      }
      case 'failed':
        this.logger.warn(`Cloudinary could not derive video ${videoId}: ${derivative.reason}`);
        await this.fail(source, runId, DERIVATIVE_FAILURE);
        return;
      case 'missing':
        await this.fail(source, runId, MISSING_SOURCE);
        return;
    }
  }

  /** The run failed: `failed` with the owner's message, announced when the run still held the video. */
  private async fail(source: ProcessingSourceRecord, runId: string, error: string): Promise<void> {
    if (await this.videos.failProcessing(source._id.toHexString(), runId, error))
      await this.announce(source, 'failed');
  }

  private async announce(source: ProcessingSourceRecord, state: 'ready' | 'failed'): Promise<void> {
    await this.events.publish('video.processed', {
      videoId: source._id.toHexString(),
      ownerId: source.owner.toHexString(),
      state,
    });
  }
}
