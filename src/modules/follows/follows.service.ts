import { Injectable, Logger } from '@nestjs/common';
import {
  applyRelation,
  countBeside,
  type RelationIntent,
} from 'src/common/database/relation-state.util';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { DomainEvents } from 'src/common/events/domain-events';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import type { FollowItemResponse } from 'src/modules/follows/dto/follow-item.response';
import type { FollowStateResponse } from 'src/modules/follows/dto/follow-state.response';
import type { FollowToggleResponse } from 'src/modules/follows/dto/follow-toggle.response';
import type { ListFollowsQueryDto } from 'src/modules/follows/dto/list-follows-query.dto';
import type { FollowDirection, FollowRecord } from 'src/modules/follows/follow-records.type';
import { FollowsErrors } from 'src/modules/follows/follows.errors';
import { toFollowItem, toFollowState, toFollowToggle } from 'src/modules/follows/follows.mapper';
import { FollowsMessages } from 'src/modules/follows/follows.messages';
import { FollowsRepository } from 'src/modules/follows/follows.repository';
import { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import { UsersService } from 'src/modules/users/users.service';

/**
 * Follows. A user is visible only when verified (docs/api.md#visibility): pending or unknown users
 * are 404 as targets and never listed. Race safety comes from the unique (follower, following)
 * index, not from reading first.
 */
@Injectable()
export class FollowsService {
  private readonly logger = new Logger(FollowsService.name);

  constructor(
    private readonly follows: FollowsRepository,
    private readonly users: UsersService,
    private readonly counters: ChannelCountersService,
    private readonly events: DomainEvents,
    private readonly pages: CursorPagesService,
  ) {}

  /** `POST /follower/toggle/:userId`: one of the three entry points of `change`. */
  async toggle(callerId: string, targetId: string): Promise<ApiResult<FollowToggleResponse>> {
    const { following, followersCount } = await this.change('toggle', callerId, targetId);
    return new ApiResult(
      following ? FollowsMessages.followed : FollowsMessages.unfollowed,
      toFollowToggle(following, followersCount),
    );
  }

  /**
   * `PUT` (`following` true) or `DELETE` (false) `/follower/:userId`
   * (docs/api.md#idempotent-state): the state asked for, so repeating it answers the same.
   */
  async setFollowing(
    callerId: string,
    targetId: string,
    following: boolean,
  ): Promise<FollowStateResponse> {
    const state = await this.change(following ? 'set' : 'unset', callerId, targetId);
    return toFollowState(state.following, state.followersCount);
  }

  /**
   * The toggle, PUT and DELETE, written once (applyRelation). Race safety comes from the unique
   * (follower, following) index: a create that loses to a concurrent create still leaves the
   * caller following, and a delete that finds nothing leaves them not following. Every relation
   * this call actually creates or removes moves both users' counters by one, and only those, so
   * the counters equal the relations whatever interleaving concurrent calls take. The target
   * could vanish between the check and the create: a relation to nobody must not survive (nor be
   * counted anywhere), so it is undone and the answer is the 404.
   */
  private async change(
    intent: RelationIntent,
    callerId: string,
    targetId: string,
  ): Promise<{ following: boolean; followersCount: number }> {
    if (targetId === callerId) throw FollowsErrors.followSelf();
    await this.requireVisibleUser(targetId);

    const relation = { followerId: callerId, followingId: targetId };
    // Each stored change is announced once, by the call that made it (`follow.added` once the
    // relation stands, after the target re-check); undoing this call's own create announces
    // nothing, since its add was never announced.
    let createdHere = false;
    const outcome = await applyRelation(
      {
        remove: async () => {
          const removed = await this.removeRelation(callerId, targetId);
          if (removed && !createdHere) await this.events.publish('follow.removed', relation);
          return removed;
        },
        create: async () => {
          createdHere = await this.follows.insertRelation(callerId, targetId);
          if (createdHere) await this.counters.adjustFollow(callerId, targetId, 1);
          return createdHere;
        },
        targetStillExists: () => this.users.isVerified(targetId),
      },
      intent,
    );
    if (outcome === 'target-gone') throw FollowsErrors.userNotFound();
    if (createdHere) await this.events.publish('follow.added', relation);
    const following = outcome === 'present';
    const { followers } = await this.counters.figures(targetId);
    return { following, followersCount: countBeside(following, followers) };
  }

  /** Removes the relation and its counts; true when this call removed it. */
  private async removeRelation(followerId: string, followingId: string): Promise<boolean> {
    const removed = await this.follows.deleteRelation(followerId, followingId);
    if (removed) await this.counters.adjustFollow(followerId, followingId, -1);
    return removed;
  }

  /** `GET /follower/followers/:userId`: the people who follow `userId`. */
  listFollowers(
    userId: string,
    query: ListFollowsQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<FollowItemResponse>> {
    return this.list('followers', userId, query, viewerId);
  }

  /** `GET /follower/following/:userId`: the people `userId` follows. */
  listFollowing(
    userId: string,
    query: ListFollowsQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<FollowItemResponse>> {
    return this.list('following', userId, query, viewerId);
  }

  /**
   * A constant number of queries whatever the page size: the page and, on numbered pages, its
   * total (the listed user's maintained counter), then one users query that both proves the
   * listed user visible (404 otherwise) and carries the listed people, and one query for the
   * caller's follows among them. Reading before the 404 has no side effect. Cursors are bound to
   * the listed user, the direction and the order.
   */
  private async list(
    direction: FollowDirection,
    userId: string,
    query: ListFollowsQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<FollowItemResponse>> {
    const { sortOrder } = query;
    const request = this.pages.open(`follows:${direction}:${userId}:${sortOrder}`, query, 'date');
    const [relations, total] = await Promise.all([
      this.follows.findPage(direction, userId, sortOrder, request.window),
      request.needsTotal ? this.counters.figures(userId) : null,
    ]);
    const personOf = (relation: FollowRecord): string =>
      (direction === 'followers' ? relation.follower : relation.following).toHexString();
    return this.pages.close(
      request,
      relations,
      total === null ? null : direction === 'followers' ? total.followers : total.following,
      (relation) => ({ key: relation.createdAt, id: relation._id.toHexString() }),
      async (page) => {
        const personIds = page.map(personOf);
        const [people, followed] = await Promise.all([
          this.users.findOwnerLites([userId, ...personIds]),
          // Caller-dependent flags are false for anonymous callers (docs/api.md#auth-modes).
          viewerId === null
            ? Promise.resolve(new Set<string>())
            : this.follows.followedAmong(viewerId, personIds),
        ]);
        if (!people.has(userId)) throw FollowsErrors.userNotFound();
        return page.flatMap((relation) => {
          const personId = personOf(relation);
          const person = people.get(personId);
          if (!person) {
            // Only verified users can follow or be followed and accounts never become pending
            // again, so this cannot happen; if it did, the invisible person stays hidden.
            this.logger.warn(
              `Follow ${relation._id.toHexString()} lists invisible user ${personId}`,
            );
            return [];
          }
          return [toFollowItem(relation, person, followed.has(personId))];
        });
      },
    );
  }

  private async requireVisibleUser(userId: string): Promise<void> {
    if (!(await this.users.isVerified(userId))) throw FollowsErrors.userNotFound();
  }
}
