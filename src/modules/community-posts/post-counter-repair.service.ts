import { Injectable } from '@nestjs/common';
import {
  type CounterFix,
  type FixOutcome,
  readStoredCounters,
  type StoredCounters,
} from 'src/common/database/stored-counters.util';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import type { PostCountersRecord } from 'src/modules/community-posts/post-records.type';
import {
  POST_COUNTER_FIELDS,
  type PostCounterField,
} from 'src/modules/community-posts/schemas/community-post.schema';

/**
 * The community posts' side of the counters reconcile job (src/features/counters): their stored
 * counters in bounded batches or by id, and the compare-and-set fixes the job decides. Their
 * likes and comments are recounted in those domains.
 */
@Injectable()
export class PostCounterRepairService {
  constructor(private readonly posts: CommunityPostsRepository) {}

  /** The next `limit` posts after `afterId` (from the first when null), in `_id` order. */
  async batchAfter(
    afterId: string | null,
    limit: number,
  ): Promise<StoredCounters<PostCounterField>[]> {
    return (await this.posts.findCountersAfter(afterId, limit)).map(toStored);
  }

  /** These posts' stored counters; ids of posts that do not exist are left out. */
  async byIds(postIds: string[]): Promise<StoredCounters<PostCounterField>[]> {
    if (postIds.length === 0) return [];
    return (await this.posts.findCountersByIds(postIds)).map(toStored);
  }

  apply(fixes: CounterFix<PostCounterField>[]): Promise<FixOutcome<PostCounterField>> {
    return this.posts.applyCounterFixes(fixes);
  }
}

function toStored(record: PostCountersRecord): StoredCounters<PostCounterField> {
  return {
    id: record._id.toHexString(),
    counters: readStoredCounters(record, POST_COUNTER_FIELDS),
  };
}
