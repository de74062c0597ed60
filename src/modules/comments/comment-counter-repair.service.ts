import { Injectable } from '@nestjs/common';
import {
  type CounterFix,
  type FixOutcome,
  type IdSelection,
  isEmptySelection,
  readStoredCounters,
  type StoredCounters,
} from 'src/common/database/stored-counters.util';
import type { CommentParent } from 'src/modules/comments/comment-records.type';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import {
  COMMENT_COUNTER_FIELDS,
  type CommentCounterField,
} from 'src/modules/comments/schemas/comment.schema';

/**
 * The comments' side of the counters reconcile job (src/features/counters): their stored
 * counters (likes, replies) in bounded batches or by id, the compare-and-set fixes the job
 * decides, and the numbers they and the videos' and posts' `commentsCount` must equal.
 */
@Injectable()
export class CommentCounterRepairService {
  constructor(private readonly comments: CommentsRepository) {}

  /** The next `limit` comments after `afterId` (from the first when null), in `_id` order. */
  async batchAfter(
    afterId: string | null,
    limit: number,
  ): Promise<StoredCounters<CommentCounterField>[]> {
    const records = await this.comments.findCountersAfter(afterId, limit);
    return records.map((record) => ({
      id: record._id.toHexString(),
      counters: readStoredCounters(record, COMMENT_COUNTER_FIELDS),
    }));
  }

  /** These comments' stored counters; ids of comments that do not exist are left out. */
  async byIds(commentIds: string[]): Promise<StoredCounters<CommentCounterField>[]> {
    if (commentIds.length === 0) return [];
    const records = await this.comments.findCountersByIds(commentIds);
    return records.map((record) => ({
      id: record._id.toHexString(),
      counters: readStoredCounters(record, COMMENT_COUNTER_FIELDS),
    }));
  }

  apply(fixes: CounterFix<CommentCounterField>[]): Promise<FixOutcome<CommentCounterField>> {
    return this.comments.applyCounterFixes(fixes);
  }

  /** Replies per selected top-level comment; comments without replies are absent (0). */
  async repliesOn(comments: IdSelection): Promise<Map<string, number>> {
    if (isEmptySelection(comments)) return new Map();
    const rows = await this.comments.countReplies(comments);
    return new Map(rows.map((row) => [row._id.toHexString(), row.n]));
  }

  /** Comments per selected video or post, replies included; parents without any are absent (0). */
  async countsOn(kind: CommentParent['kind'], parents: IdSelection): Promise<Map<string, number>> {
    if (isEmptySelection(parents)) return new Map();
    const rows = await this.comments.countByParents(kind, parents);
    return new Map(rows.map((row) => [row._id.toHexString(), row.n]));
  }
}
