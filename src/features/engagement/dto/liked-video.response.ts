import { ApiProperty } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/**
 * A liked video: a VideoCard (`_id` is the video's) plus when the caller liked it; `isLiked` is
 * always true.
 */
export class LikedVideoResponse extends VideoCardResponse {
  /** Named explicitly so the schema references OwnerLite instead of a bare object. */
  @ApiProperty({ type: () => OwnerLiteResponse })
  declare owner: OwnerLiteResponse;

  @ApiProperty({ format: 'date-time' })
  likedAt: string;
}
