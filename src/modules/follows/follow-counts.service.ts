import { Injectable } from '@nestjs/common';
import { type IdSelection, isEmptySelection } from 'src/common/database/stored-counters.util';
import { FollowsRepository } from 'src/modules/follows/follows.repository';

/**
 * The follow relations counted per user: the truth that the users' maintained channel counters
 * (`followers`, `following`) must equal, for the counters reconcile job. Pages never count; they
 * read the counters.
 */
@Injectable()
export class FollowCountsService {
  constructor(private readonly follows: FollowsRepository) {}

  /**
   * Per selected user (a list, or an `_id` range of a batch), how many follow them and how many
   * they follow, in two grouped queries (one per direction's index). Users without relations
   * are absent (0 and 0).
   */
  async countsFor(
    users: IdSelection,
  ): Promise<Map<string, { followers: number; following: number }>> {
    const counts = new Map<string, { followers: number; following: number }>();
    if (isEmptySelection(users)) return counts;
    const [followers, following] = await Promise.all([
      this.follows.countsByUser('followers', users),
      this.follows.countsByUser('following', users),
    ]);
    const entry = (id: string): { followers: number; following: number } => {
      let found = counts.get(id);
      if (!found) counts.set(id, (found = { followers: 0, following: 0 }));
      return found;
    };
    for (const row of followers) entry(row._id.toHexString()).followers = row.n;
    for (const row of following) entry(row._id.toHexString()).following = row.n;
    return counts;
  }
}
