import { Injectable } from '@nestjs/common';
import type { ChannelDelta, ChannelFigures } from 'src/modules/users/channel-counters.type';
import { toChannelFigures } from 'src/modules/users/users.mapper';
import { UsersRepository } from 'src/modules/users/users.repository';

/**
 * The maintained figures of a channel (followers, following, videos, views and likes), for the
 * domains above users: each action that changes one adds its delta here in the same request,
 * with one atomic `$inc`, and pages read the figures instead of counting.
 */
@Injectable()
export class ChannelCountersService {
  constructor(private readonly users: UsersRepository) {}

  /** Adds `delta` to the user's counters; a user that is gone is a no-op. */
  adjust(userId: string, delta: ChannelDelta): Promise<void> {
    return this.users.incrementChannel(userId, delta);
  }

  /** A follow relation created (+1) or removed (-1): both users' figures, in one round trip. */
  adjustFollow(followerId: string, followingId: string, delta: 1 | -1): Promise<void> {
    return this.users.incrementChannels([
      { userId: followerId, delta: { following: delta } },
      { userId: followingId, delta: { followers: delta } },
    ]);
  }

  /** The user's figures (all zero for an unknown user or one from before counters existed). */
  async figures(userId: string): Promise<ChannelFigures> {
    return toChannelFigures(await this.users.findChannelFigures(userId));
  }
}
