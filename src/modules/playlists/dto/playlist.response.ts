import { ApiProperty } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/** PlaylistCard. Counts and the thumbnail cover only entries visible to the caller. */
export class PlaylistCardResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  name: string;
  description: string;

  /** True = public. */
  isPublished: boolean;

  @ApiProperty({ type: () => OwnerLiteResponse })
  owner: OwnerLiteResponse;

  /** Entries whose video exists and is visible to the caller. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalVideos: number;

  /** Thumbnail URL of the first such entry in playlist order, or null. */
  @ApiProperty({ type: 'string', nullable: true })
  playlistThumbnail: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  /** Also moves when videos are added or removed. */
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** PlaylistSummary: the card plus the visible entries' ids, in playlist order. */
export class PlaylistSummaryResponse extends PlaylistCardResponse {
  @ApiProperty({ type: [String], example: ['665f1c2e8b3f4a0012ab34cf'] })
  videos: string[];
}

/**
 * PlaylistDetail (`GET /playlist/:playlistId`): the card plus the visible entries as VideoCards,
 * earliest addition first.
 */
export class PlaylistDetailResponse extends PlaylistCardResponse {
  @ApiProperty({ type: [VideoCardResponse] })
  videos: VideoCardResponse[];
}
