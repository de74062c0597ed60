import { ApiProperty } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { PROCESSING_STATES, type ProcessingState } from 'src/modules/videos/schemas/video.schema';

/** A stored media file as clients see it: the delivery URL only, never the storage key. */
export class MediaUrlResponse {
  @ApiProperty({ example: 'https://res.cloudinary.com/dancely/video/upload/v1/videos/abc.mp4' })
  url: string;
}

/** The video file: the MP4 (playable as soon as it is stored) and, once processed, HLS. */
export class VideoFileResponse extends MediaUrlResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'HLS master playlist (`application/vnd.apple.mpegurl`) once processing is ready; null before, and when the server has no transcoder',
    example: null,
  })
  hlsUrl: string | null;
}

/** Processing after upload (docs/api.md#processing), shown to the video's owner. */
export class VideoProcessingResponse {
  @ApiProperty({ enum: PROCESSING_STATES, enumName: 'ProcessingState' })
  state: ProcessingState;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why processing failed; null unless `state` is `failed`',
  })
  error: string | null;
}

/** The fields VideoCard and VideoDetail share; they differ only in what `owner` carries. */
export abstract class VideoFieldsResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  title: string;
  /** `""` when none. */
  description: string;
  /** Seconds, possibly fractional. */
  duration: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  views: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;

  /** The caller likes this video; false for anonymous callers. */
  isLiked: boolean;
  isPublished: boolean;
  videoFile: VideoFileResponse;
  thumbnail: MediaUrlResponse;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({
    type: () => VideoProcessingResponse,
    nullable: true,
    description: "The owner's view of processing; null for everyone else",
  })
  processing: VideoProcessingResponse | null;
}

/** VideoCard: every video list, upload and update response. */
export class VideoCardResponse extends VideoFieldsResponse {
  // Explicit: the CLI plugin documents this inherited-shape property as a bare object otherwise.
  @ApiProperty({ type: () => OwnerLiteResponse })
  owner: OwnerLiteResponse;
}

/** VideoDetail's owner: an OwnerLite with the follow figures. */
export class VideoOwnerResponse extends OwnerLiteResponse {
  @ApiProperty({ type: 'integer', minimum: 0 })
  followersCount: number;

  /** The caller follows the owner; false for anonymous callers and for the owner. */
  isFollowed: boolean;
}

/** VideoDetail (`GET /video/:videoId`): a VideoCard whose owner carries the follow figures. */
export class VideoDetailResponse extends VideoFieldsResponse {
  @ApiProperty({ type: () => VideoOwnerResponse })
  owner: VideoOwnerResponse;
}

/** `PATCH /video/publish-status/:videoId`. */
export class PublishStatusResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  videoId: string;

  isPublished: boolean;
}

/** `DELETE /video/:videoId`. */
export class DeletedVideoResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  deletedVideoId: string;
}
