import { Injectable } from '@nestjs/common';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import type { FeedPageResponse } from 'src/features/feed/dto/feed-page.response';
import type { FeedQueryDto } from 'src/features/feed/dto/feed-query.dto';
import { FollowStateService } from 'src/modules/follows/follow-state.service';
import { TimelinesService } from 'src/modules/timelines/timelines.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

/**
 * GET /feed/videos, the read side of the following feed: a keyset page of the caller's timeline, then at once
 * the cards of its videos (the catalogue: videos, owners, likes) and the caller's follows among
 * their owners. Five queries at most, whatever the number of creators followed and the size of
 * their catalogues. A video unpublished or deleted since it was written, or whose owner the
 * caller no longer follows, is left out (a removal job may not have run yet, or failed): the
 * page is then shorter, and the cursor still continues after the last entry read, so nothing
 * is repeated or skipped.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly timelines: TimelinesService,
    private readonly catalogue: VideoCatalogueService,
    private readonly follows: FollowStateService,
    private readonly cursors: CursorCodecService,
  ) {}

  async page(userId: string, query: FeedQueryDto): Promise<FeedPageResponse> {
    // Bound to the user: another user's cursor (or one of another list) is INVALID_CURSOR.
    const list = `feed:${userId}`;
    const after =
      query.cursor === undefined ? null : this.cursors.decode(list, query.cursor, 'date');
    const page = await this.timelines.page(
      userId,
      after === null ? null : { videoCreatedAt: after.key, videoId: after.id },
      query.limit,
    );
    const nextCursor =
      page.next === null
        ? null
        : this.cursors.encode(list, { key: page.next.videoCreatedAt, id: page.next.videoId });
    if (page.items.length === 0) return { docs: [], limit: query.limit, nextCursor };

    const [followed, { cards }] = await Promise.all([
      this.follows.followedAmong(
        userId,
        page.items.map((item) => item.ownerId),
      ),
      this.catalogue.cardsInOrder(
        page.items.map((item) => item.videoId),
        { viewerId: userId, visibility: 'published' },
      ),
    ]);
    return {
      docs: cards.filter((card) => followed.has(card.owner._id)),
      limit: query.limit,
      nextCursor,
    };
  }
}
