import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type {
  DeletedVideoResponse,
  PublishStatusResponse,
  VideoCardResponse,
  VideoDetailResponse,
  VideoOwnerResponse,
  VideoProcessingResponse,
} from 'src/modules/videos/dto/video.response';
import type { VideoRecord } from 'src/modules/videos/video-records.type';

/** What a card needs besides the video itself: its owner and the caller-dependent like figures. */
export interface CardExtras<Owner extends OwnerLiteResponse = OwnerLiteResponse> {
  owner: Owner;
  likesCount: number;
  isLiked: boolean;
  /** Who asks: the video's owner sees its processing, everyone else null. */
  viewerId: string | null;
}

/**
 * VideoCard. Fields are listed one by one, so nothing stored (storage keys, `__v`) can
 * slip into a response; keys come out in their documented order.
 */
export function toVideoCard(video: VideoRecord, extras: CardExtras): VideoCardResponse {
  return {
    _id: video._id.toHexString(),
    owner: {
      _id: extras.owner._id,
      username: extras.owner.username,
      name: extras.owner.name,
      profileImage: extras.owner.profileImage,
    },
    title: video.title,
    description: video.description ?? '',
    duration: video.duration,
    views: video.views,
    likesCount: extras.likesCount,
    isLiked: extras.isLiked,
    isPublished: video.isPublished,
    videoFile: { url: video.videoFile.url, hlsUrl: video.hls?.url ?? null },
    thumbnail: { url: video.thumbnail.url },
    createdAt: video.createdAt.toISOString(),
    updatedAt: video.updatedAt.toISOString(),
    processing:
      extras.viewerId !== null && extras.viewerId === video.owner.toHexString()
        ? toProcessing(video.processing)
        : null,
  };
}

/** A video from before processing existed is `ready` (its MP4 is all it has). */
export function toProcessing(processing: VideoRecord['processing']): VideoProcessingResponse {
  if (!processing) return { state: 'ready', progress: 100, error: null };
  return {
    state: processing.state,
    progress: processing.progress ?? 0,
    error: processing.state === 'failed' ? (processing.error ?? null) : null,
  };
}

export function toVideoDetail(
  video: VideoRecord,
  extras: CardExtras<VideoOwnerResponse>,
): VideoDetailResponse {
  const card = toVideoCard(video, extras);
  return {
    ...card,
    owner: {
      ...card.owner,
      followersCount: extras.owner.followersCount,
      isFollowed: extras.owner.isFollowed,
    },
  };
}

export function toPublishStatus(videoId: string, isPublished: boolean): PublishStatusResponse {
  return { videoId, isPublished };
}

export function toDeletedVideo(videoId: string): DeletedVideoResponse {
  return { deletedVideoId: videoId };
}
