import { Injectable } from '@nestjs/common';
import {
  type CounterFix,
  type FixOutcome,
  readStoredCounters,
  type StoredCounters,
} from 'src/common/database/stored-counters.util';
import type { ChannelCounterField } from 'src/modules/users/channel-counters.type';
import { CHANNEL_COUNTER_FIELDS } from 'src/modules/users/schemas/user.schema';
import type { ChannelCountersRecord } from 'src/modules/users/user-records.type';
import { UsersRepository } from 'src/modules/users/users.repository';

/**
 * The users' side of the counters reconcile job (src/features/counters): the stored channel
 * counters in bounded batches or by id, and the compare-and-set fixes the job decides. The
 * figures they must equal live in the domains above (follows, videos).
 */
@Injectable()
export class ChannelCounterRepairService {
  constructor(private readonly users: UsersRepository) {}

  /** The next `limit` users after `afterId` (from the first when null), in `_id` order. */
  async batchAfter(
    afterId: string | null,
    limit: number,
  ): Promise<StoredCounters<ChannelCounterField>[]> {
    return (await this.users.findChannelCountersAfter(afterId, limit)).map(toStored);
  }

  /** These users' stored channel counters; ids of users that do not exist are left out. */
  async byIds(userIds: string[]): Promise<StoredCounters<ChannelCounterField>[]> {
    if (userIds.length === 0) return [];
    return (await this.users.findChannelCountersByIds(userIds)).map(toStored);
  }

  apply(fixes: CounterFix<ChannelCounterField>[]): Promise<FixOutcome<ChannelCounterField>> {
    return this.users.applyChannelFixes(fixes);
  }
}

function toStored(record: ChannelCountersRecord): StoredCounters<ChannelCounterField> {
  return {
    id: record._id.toHexString(),
    counters: readStoredCounters(record.channel, CHANNEL_COUNTER_FIELDS),
  };
}
