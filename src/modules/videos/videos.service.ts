import { Injectable, Logger } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { DomainEvents } from 'src/common/events/domain-events';
import { AppException } from 'src/common/errors/app.exception';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { isDatabaseUnavailable } from 'src/common/errors/error-mapping.util';
import type { WritePrecondition } from 'src/common/http/if-match.decorator';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';
import { UsersService } from 'src/modules/users/users.service';
import type { UpdateVideoDto } from 'src/modules/videos/dto/update-video.dto';
import type { UploadVideoDto } from 'src/modules/videos/dto/upload-video.dto';
import type {
  DeletedVideoResponse,
  PublishStatusResponse,
  VideoCardResponse,
  VideoDetailResponse,
} from 'src/modules/videos/dto/video.response';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { VideoCountersService } from 'src/modules/videos/video-counters.service';
import { VideoDependentsService } from 'src/modules/videos/video-dependents.service';
import {
  type NewVideoMedia,
  type VerifiedUpload,
  VideoMediaService,
} from 'src/modules/videos/video-media.service';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import type { VideoCountsRecord, VideoRecord } from 'src/modules/videos/video-records.type';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import { VideosMessages } from 'src/modules/videos/videos.messages';
import { toDeletedVideo, toPublishStatus, toVideoCard } from 'src/modules/videos/videos.mapper';
import { VideoWatchPageService } from 'src/modules/videos/video-watch-page.service';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** A toggle retries only after another toggle won its compare-and-set: a bound on losses, not a wait. */
const MAX_TOGGLE_ATTEMPTS = 100;

/**
 * Videos: upload, edits, publishing and deletion (the lists are the catalogue's, the watch page
 * is `VideoWatchPageService`'s).
 * Every read of a single video applies the visibility rule (published, or the caller's own), so
 * missing and invisible are the same 404; ownership (403) is checked after that; storage and
 * writes come last (docs/api.md#not-found-vs-forbidden).
 */
@Injectable()
export class VideosService {
  private readonly logger = new Logger(VideosService.name);

  constructor(
    private readonly videos: VideosRepository,
    private readonly media: VideoMediaService,
    private readonly catalogue: VideoCatalogueService,
    private readonly dependents: VideoDependentsService,
    private readonly counters: VideoCountersService,
    private readonly users: UsersService,
    private readonly watchPage: VideoWatchPageService,
    private readonly events: DomainEvents,
    private readonly resumable: ResumableUploadsService,
    private readonly processing: VideoProcessingService,
  ) {}

  /**
   * `POST /video`: store both files, take the duration, create the video; any failure after storing
   * rolls back.
   */
  async upload(
    ownerId: string,
    body: UploadVideoDto,
    files: { video?: VerifiedUpload; thumbnail: VerifiedUpload },
  ): Promise<VideoCardResponse> {
    const owner = (await this.users.findOwnerLites([ownerId])).get(ownerId);
    // The guard saw a verified account a moment ago; it has vanished since.
    if (!owner) throw new AppException(ErrorCode.UNAUTHORIZED);

    // `uploadId` instead of the `video` file: the caller's finished resumable upload, taken for
    // this request (another request cannot take it too), given back if the request fails.
    const claimed =
      body.uploadId === undefined ? null : await this.resumable.claim(ownerId, body.uploadId);
    let media: NewVideoMedia;
    try {
      const video = files.video ?? (claimed && (await this.media.verifyAssembled(claimed)));
      if (!video) throw new Error('POST /video without a video file or an upload');
      media = await this.media.storeNewVideo(video, files.thumbnail);
    } catch (error) {
      if (claimed) await this.resumable.release(claimed);
      throw error;
    }
    let created: VideoRecord;
    try {
      created = await this.videos.create({
        owner: ownerId,
        title: body.title,
        description: body.description ?? '',
        duration: media.duration,
        isPublished: body.isPublished ?? false,
        videoFile: media.videoFile,
        thumbnail: media.thumbnail,
        processingState: this.processing.initialState(),
      });
    } catch (error) {
      await this.media.rollback(media.stored);
      if (claimed) await this.resumable.release(claimed);
      throw error;
    }
    // Stored in media storage now: the upload's own files go.
    if (claimed) await this.resumable.consume(claimed);
    await this.counters.created(created);
    if (created.processing?.state === 'queued') this.processing.enqueue(created._id.toHexString());
    if (created.isPublished) {
      await this.events.publish('video.published', {
        videoId: created._id.toHexString(),
        ownerId,
        createdAt: created.createdAt,
      });
    }
    return toVideoCard(created, { owner, likesCount: 0, isLiked: false, viewerId: ownerId });
  }

  /**
   * `PATCH /video/:videoId`: only the given fields change; an empty body answers it unchanged.
   * With `If-Match` (after 404 and 403): the watch page the owner would get now must carry a
   * listed tag, and the write only happens while the video is still at the version that page was
   * built from (docs/api.md#caching).
   */
  async update(
    videoId: string,
    userId: string,
    body: UpdateVideoDto,
    precondition: WritePrecondition<VideoDetailResponse> | null = null,
  ): Promise<VideoCardResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    let version: Date | null = null;
    if (precondition && !precondition.isWildcard) {
      const current = await this.watchPage.find(videoId, userId);
      precondition.assertHolds(current.render(current.record.views));
      version = current.record.updatedAt;
    }
    const changes: { title?: string; description?: string } = {};
    if (body.title !== undefined) changes.title = body.title;
    if (body.description !== undefined) changes.description = body.description;
    if (Object.keys(changes).length === 0) return this.toCard(video, userId);
    const id = video._id.toHexString();
    const updated =
      version === null
        ? await this.videos.updateOwned(id, userId, changes)
        : await this.videos.updateOwnedAtVersion(id, userId, changes, version);
    if (updated) return this.toCard(updated, userId);
    // Nothing matched: the video is gone (404), or another write moved its version (412).
    if (precondition && (await this.videos.findPublishState(id, userId)) !== null)
      throw precondition.changedMeanwhile();
    throwNotFound();
  }

  /**
   * `DELETE /video/:videoId`: the document goes first, so from then on every write that targets the
   * video gets 404 and every read through it misses; then each dependent, each step idempotent and
   * on its own: a failed step is logged with the ids and leaves the response alone, and reads go
   * through the video, so leftovers never show.
   */
  async remove(videoId: string, userId: string): Promise<DeletedVideoResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerDelete);
    const id = video._id.toHexString();
    let deleted: VideoCountsRecord | null;
    try {
      deleted = await this.videos.deleteOwned(id, userId);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.error(`Deleting video ${id} failed`, errorTrace(error));
      throw VideosErrors.deleteFailed();
    }
    // A concurrent delete of the same video won; it also runs the clean-up.
    if (!deleted) throw VideosErrors.notFound();

    await this.counters.deleted(deleted);
    // ffmpeg is killed and its partial renditions removed before the rest of the clean-up.
    await this.processing.cancel(id);
    await this.dependents.removeAllOf(video);
    return toDeletedVideo(id);
  }

  /**
   * `POST /video/:videoId/processing/retry`: the owner's video (404 / 403 as for every write),
   * only when its processing failed (409 otherwise, a concurrent retry included).
   */
  async retryProcessing(videoId: string, userId: string): Promise<VideoCardResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    if (video.processing?.state !== 'failed') throw VideosErrors.processingNotFailed();
    const retried = await this.processing.retry(video._id.toHexString(), userId);
    if (!retried) throw VideosErrors.processingNotFailed();
    return this.toCard(retried, userId);
  }

  /**
   * `PATCH /video/thumbnail/:videoId`: store the new image, save it, then delete the image it
   * displaced.
   */
  async replaceThumbnail(
    videoId: string,
    userId: string,
    thumbnail: VerifiedUpload,
  ): Promise<VideoCardResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    const id = video._id.toHexString();
    const stored = await this.media.storeThumbnail(thumbnail);
    const now = new Date();
    let before: VideoRecord | null;
    try {
      before = await this.videos.swapThumbnail(
        id,
        userId,
        { url: stored.url, key: stored.key },
        now,
      );
    } catch (error) {
      await this.media.rollback([stored]);
      throw error;
    }
    if (!before) {
      await this.media.rollback([stored]);
      throw VideosErrors.notFound();
    }
    // The video already shows the new image; a failure here only leaves an orphan, which is logged.
    await this.media.deleteQuietly(
      before.thumbnail.key,
      'image',
      `replaced thumbnail of video ${id}`,
    );
    return this.toCard(
      { ...before, thumbnail: { url: stored.url, key: stored.key }, updatedAt: now },
      userId,
    );
  }

  /**
   * `PATCH /video/publish-status/:videoId`. With a value: set it. Without: flip it by
   * compare-and-set on the value last seen, so every toggle flips exactly once however many run at
   * the same time (a read-modify-write would let two of them write the same value).
   */
  async setPublishStatus(
    videoId: string,
    userId: string,
    value: boolean | undefined,
  ): Promise<ApiResult<PublishStatusResponse>> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    const id = video._id.toHexString();
    const state =
      value !== undefined
        ? await this.setPublished(id, userId, value)
        : await this.toggle(id, userId, video.isPublished);
    return new ApiResult(
      state ? VideosMessages.published : VideosMessages.unpublished,
      toPublishStatus(id, state),
    );
  }

  private async toggle(id: string, userId: string, seen: boolean): Promise<boolean> {
    let expected = seen;
    for (let attempt = 0; attempt < MAX_TOGGLE_ATTEMPTS; attempt++) {
      if (await this.flipIf(id, userId, expected)) return !expected;
      // Another toggle won: look again and flip what is there now.
      const current = await this.videos.findPublishState(id, userId);
      if (current === null) throw VideosErrors.notFound();
      expected = current;
    }
    throw VideosErrors.publishContention();
  }

  /** With a value: flip only if the flag differs (idempotent); 404 when the video is gone. */
  private async setPublished(id: string, userId: string, value: boolean): Promise<boolean> {
    if (await this.flipIf(id, userId, !value)) return value;
    // Nothing flipped: the flag already had the value, or the video is gone.
    if ((await this.videos.findPublishState(id, userId)) === null) throw VideosErrors.notFound();
    return value;
  }

  /**
   * One compare-and-set of the flag; a flip moves the video's figures in or out of the owner's
   * published totals and is announced (`video.published` / `video.unpublished`) by the one
   * request that made it, so concurrent toggles announce exactly the flips that happened.
   */
  private async flipIf(id: string, userId: string, expected: boolean): Promise<boolean> {
    const flipped = await this.videos.compareAndSetPublished(id, userId, expected);
    if (!flipped) return false;
    await this.counters.publishChanged(flipped);
    const event = { videoId: id, ownerId: userId, createdAt: flipped.createdAt };
    if (flipped.isPublished) await this.events.publish('video.published', event);
    else await this.events.publish('video.unpublished', event);
    return true;
  }

  private async findVisibleOr404(videoId: string, viewerId: string | null): Promise<VideoRecord> {
    return (await this.videos.findVisible(videoId, viewerId)) ?? throwNotFound();
  }

  /**
   * Mutations (docs/api.md#not-found-vs-forbidden): missing or invisible → 404, visible but someone
   * else's → 403.
   */
  private async findOwnedOr403(
    videoId: string,
    userId: string,
    forbidden: () => AppException,
  ): Promise<VideoRecord> {
    const video = await this.findVisibleOr404(videoId, userId);
    if (video.owner.toHexString() !== userId) throw forbidden();
    return video;
  }

  private async toCard(record: VideoRecord, viewerId: string | null): Promise<VideoCardResponse> {
    return (await this.catalogue.cards([record], viewerId))[0] ?? throwNotFound();
  }
}

function throwNotFound(): never {
  throw VideosErrors.notFound();
}
