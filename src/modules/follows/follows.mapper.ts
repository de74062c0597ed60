import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { FollowItemResponse } from 'src/modules/follows/dto/follow-item.response';
import type { FollowStateResponse } from 'src/modules/follows/dto/follow-state.response';
import type { FollowToggleResponse } from 'src/modules/follows/dto/follow-toggle.response';
import type { FollowRecord } from 'src/modules/follows/follow-records.type';

/** FollowItem, fields listed one by one in their documented order. */
export function toFollowItem(
  relation: FollowRecord,
  person: OwnerLiteResponse,
  isFollowed: boolean,
): FollowItemResponse {
  return {
    _id: relation._id.toHexString(),
    userId: person._id,
    username: person.username,
    name: person.name,
    profileImage: person.profileImage,
    createdAt: relation.createdAt.toISOString(),
    isFollowed,
  };
}

export function toFollowToggle(isFollowed: boolean, followersCount: number): FollowToggleResponse {
  return { isFollowed, followersCount };
}

export function toFollowState(following: boolean, followersCount: number): FollowStateResponse {
  return { following, followersCount };
}
