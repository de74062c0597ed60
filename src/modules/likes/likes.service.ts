import { Injectable } from '@nestjs/common';
import { firstJoined, type JoinedFigure } from 'src/common/database/joined-figure.type';
import type { LikeFiguresRecord } from 'src/modules/likes/like-records.type';
import { type LikeFigures, toFiguresByTarget, toLikeFigures } from 'src/modules/likes/likes.mapper';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';
import { toggleRelation } from 'src/modules/likes/toggle.util';

/** One of the user's likes: what was liked and when. */
export interface LikedTarget {
  targetId: string;
  likedAt: Date;
}

/**
 * The likes store: who likes what, and the figures every page shows. It knows nothing of videos,
 * comments or posts; the domains above it ask for figures and remove the likes of what they
 * delete, and the like endpoints (a feature above all of them) check visibility before toggling.
 * Every figure for a page is one grouped query (never one per item).
 */
@Injectable()
export class LikesService {
  constructor(private readonly likes: LikesRepository) {}

  /**
   * Flips the user's like of a target through the unique index (race-safe, see toggleRelation)
   * and reads the stored state back, so `isLiked` and `likesCount` always agree. Null when the
   * target vanished (or stopped being visible) during the toggle: nothing is left behind.
   */
  async toggle(
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
    targetStillVisible: () => Promise<boolean>,
  ): Promise<LikeFigures | null> {
    const key = { targetType, targetId, userId };
    const outcome = await toggleRelation({
      remove: () => this.likes.deleteOne(key),
      create: () => this.likes.insert(key),
      targetStillExists: targetStillVisible,
    });
    if (outcome === 'target-gone') return null;
    const [figures] = await this.likes.figuresFor(targetType, [targetId], userId);
    return toLikeFigures(figures);
  }

  /** `likesCount` and the viewer's like per target; targets without likes are absent (0 / false). */
  async figuresFor(
    targetType: LikeTargetType,
    targetIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, LikeFigures>> {
    if (targetIds.length === 0) return new Map();
    return toFiguresByTarget(await this.likes.figuresFor(targetType, targetIds, viewerId));
  }

  /** The number of likes per target; targets without likes are absent (0). */
  async countsFor(targetType: LikeTargetType, targetIds: string[]): Promise<Map<string, number>> {
    if (targetIds.length === 0) return new Map();
    const rows = await this.likes.figuresFor(targetType, targetIds, null);
    return new Map(rows.map((row) => [row._id.toHexString(), row.count]));
  }

  /** The same figures for one target inside another collection's aggregation (one round trip for a detail page). */
  figuresJoin(
    targetType: LikeTargetType,
    targetId: string,
    viewerId: string | null,
    as: string,
  ): JoinedFigure<LikeFigures> {
    return {
      stage: this.likes.figuresLookup(targetType, targetId, viewerId, as),
      read: (joined) => toLikeFigures(firstJoined<LikeFiguresRecord>(joined, as)),
    };
  }

  /** The user's most recent likes of one kind, newest first, at most `limit`. */
  async likedTargets(
    userId: string,
    targetType: LikeTargetType,
    limit: number,
  ): Promise<LikedTarget[]> {
    const likes = await this.likes.findLikedTargets(userId, targetType, limit);
    return likes.map((like) => ({ targetId: like.target.toHexString(), likedAt: like.createdAt }));
  }

  /** Cascades: every like on these targets. Idempotent. */
  removeAllOn(targetType: LikeTargetType, targetIds: string[]): Promise<number> {
    return this.likes.deleteForTargets(targetType, targetIds);
  }
}
