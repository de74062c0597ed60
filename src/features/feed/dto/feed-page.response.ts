import { ApiProperty } from '@nestjs/swagger';
import { VideoCardResponse } from 'src/modules/videos/dto/video.response';
import { FEED_MAX_LIMIT } from 'src/features/feed/dto/feed-query.dto';

/**
 * A page of the following feed, newest first, continued by `nextCursor`. It has no `totalDocs`:
 * the feed is a window of at most FEED_MAX_ENTRIES entries, some of which may have become
 * invisible since they were written, so no count would be both cheap and true.
 */
export class FeedPageResponse {
  @ApiProperty({
    type: () => [VideoCardResponse],
    description:
      'Video cards as in GET /video. Can hold fewer than `limit` (even none) while `nextCursor` is set: videos that stopped being visible are left out, never replaced by repeats',
  })
  docs: VideoCardResponse[];

  @ApiProperty({ type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT, example: 20 })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}
