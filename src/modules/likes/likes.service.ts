import { Injectable } from '@nestjs/common';
import { applyRelation, type RelationIntent } from 'src/common/database/relation-state.util';
import { type IdSelection, isEmptySelection } from 'src/common/database/stored-counters.util';
import { DomainEvents } from 'src/common/events/domain-events';
import type { LikeKey } from 'src/modules/likes/like-records.type';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';

/** One of the user's likes: what was liked and when. */
export interface LikedTarget {
  /** The like's own id: with `likedAt`, its place in the caller's likes (a keyset position). */
  likeId: string;
  targetId: string;
  likedAt: Date;
}

/**
 * The likes store: who likes what. It knows nothing of videos, comments or posts: every like it
 * stores or removes for a user is announced (`like.added`, `like.removed`), and the domain that
 * owns the target keeps its `likesCount` (and a video's owner totals) with that event, in the
 * same request. The like endpoints (a feature above all of them) check visibility before
 * changing a like. Whether a viewer likes something is one lookup on the unique key, per page.
 */
@Injectable()
export class LikesService {
  constructor(
    private readonly likes: LikesRepository,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Changes the user's like of a target through the unique index (race-safe, see
   * applyRelation): flips it (`toggle`), or makes sure it exists (`set`) or does not (`unset`)
   * (the idempotent PUT and DELETE, docs/api.md#idempotent-state). Each like this call actually
   * stores or removes is announced once, and only then, so the counters move by exactly the likes
   * that changed whatever the interleaving of toggles, PUTs and DELETEs. Resolves to whether the
   * user likes the target now, or null when the target vanished (or stopped being visible) during
   * the call: nothing is left behind.
   */
  async apply(
    intent: RelationIntent,
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
    targetStillVisible: () => Promise<boolean>,
  ): Promise<{ liked: boolean } | null> {
    const key: LikeKey = { targetType, targetId, userId };
    const outcome = await applyRelation(
      {
        remove: async () => {
          const removed = await this.likes.deleteOne(key);
          if (removed) await this.events.publish('like.removed', key);
          return removed;
        },
        create: async () => {
          const created = await this.likes.insert(key);
          if (created) await this.events.publish('like.added', key);
          return created;
        },
        targetStillExists: targetStillVisible,
      },
      intent,
    );
    if (outcome === 'target-gone') return null;
    return { liked: outcome === 'present' };
  }

  /** Which of `targetIds` the viewer likes (none for an anonymous viewer), in one query. */
  async likedAmong(
    targetType: LikeTargetType,
    targetIds: string[],
    viewerId: string | null,
  ): Promise<Set<string>> {
    if (viewerId === null || targetIds.length === 0) return new Set();
    return this.likes.likedAmong(targetType, targetIds, viewerId);
  }

  /** Whether the viewer likes one target (false for an anonymous viewer): one lookup by the unique key. */
  async isLiked(
    targetType: LikeTargetType,
    targetId: string,
    viewerId: string | null,
  ): Promise<boolean> {
    if (viewerId === null) return false;
    return this.likes.exists({ targetType, targetId, userId: viewerId });
  }

  /**
   * The number of likes per selected target (a list, or the `_id` range of one of the reconcile
   * job's batches), counted from the likes themselves: the truth the maintained counters must
   * equal. Targets without likes are absent (0).
   */
  async countsFor(targetType: LikeTargetType, targets: IdSelection): Promise<Map<string, number>> {
    if (isEmptySelection(targets)) return new Map();
    const rows = await this.likes.countsFor(targetType, targets);
    return new Map(rows.map((row) => [row._id.toHexString(), row.count]));
  }

  /** The user's most recent likes of one kind, newest first, at most `limit`. */
  async likedTargets(
    userId: string,
    targetType: LikeTargetType,
    limit: number,
  ): Promise<LikedTarget[]> {
    const likes = await this.likes.findLikedTargets(userId, targetType, limit);
    return likes.map((like) => ({
      likeId: like._id.toHexString(),
      targetId: like.target.toHexString(),
      likedAt: like.createdAt,
    }));
  }

  /** Cascades: every like on these targets (their counters go with the deleted targets). Idempotent. */
  removeAllOn(targetType: LikeTargetType, targetIds: string[]): Promise<number> {
    return this.likes.deleteForTargets(targetType, targetIds);
  }
}
