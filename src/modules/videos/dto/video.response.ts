import { ApiProperty } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/** A stored media file as clients see it: the delivery URL only, never the storage key. */
export class MediaUrlResponse {
  @ApiProperty({ example: 'https://res.cloudinary.com/dancely/video/upload/v1/videos/abc.mp4' })
  url: string;
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
  videoFile: MediaUrlResponse;
  thumbnail: MediaUrlResponse;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
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
