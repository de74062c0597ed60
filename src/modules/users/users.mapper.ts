import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UserCardResponse } from 'src/modules/users/dto/user-card.response';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import type { ProfileStats } from 'src/modules/users/profile-stats.type';
import type {
  CardRecord,
  MeRecord,
  OwnerLiteRecord,
  ProfileRecord,
} from 'src/modules/users/user-records.type';

/*
 * Pure functions from lean records to the shapes of §1.12. Each lists its fields explicitly, so
 * nothing stored on the document (hashes, codes, storage keys, __v) can reach a response.
 */

export function toMe(user: MeRecord): MeResponse {
  return {
    _id: user._id.toHexString(),
    username: user.username,
    email: user.email,
    name: user.name,
    bio: user.bio ?? '',
    profileImage: user.profileImage,
    isVerified: user.isVerified,
    pendingEmail: user.emailChange?.pendingEmail ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function toUserCard(user: CardRecord): UserCardResponse {
  return {
    _id: user._id.toHexString(),
    username: user.username,
    name: user.name,
    profileImage: user.profileImage,
    isVerified: user.isVerified,
  };
}

export function toOwnerLite(user: OwnerLiteRecord): OwnerLiteResponse {
  return {
    _id: user._id.toHexString(),
    username: user.username,
    name: user.name,
    profileImage: user.profileImage,
  };
}

export function toUserProfile(user: ProfileRecord, stats: ProfileStats): UserProfileResponse {
  return {
    _id: user._id.toHexString(),
    username: user.username,
    name: user.name,
    profileImage: user.profileImage,
    bio: user.bio ?? '',
    isVerified: user.isVerified,
    createdAt: user.createdAt.toISOString(),
    followersCount: stats.followersCount,
    followingCount: stats.followingCount,
    videosCount: stats.videosCount,
    totalViews: stats.totalViews,
    totalLikes: stats.totalLikes,
    isFollowed: stats.isFollowed,
    isFollowedByMe: stats.isFollowed,
  };
}
