import type { ChannelFigures } from 'src/modules/users/channel-counters.type';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UserCardResponse } from 'src/modules/users/dto/user-card.response';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import { CHANNEL_COUNTER_FIELDS } from 'src/modules/users/schemas/user.schema';
import type {
  CardRecord,
  MeRecord,
  OwnerLiteRecord,
  ProfileRecord,
} from 'src/modules/users/user-records.type';

/*
 * Pure functions from lean records to the response shapes. Each lists its fields explicitly, so
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

/** Every counter, 0 where the stored document has none (documents from before counters existed). */
export function toChannelFigures(stored: Partial<ChannelFigures> | undefined): ChannelFigures {
  const figures = {} as ChannelFigures;
  for (const field of CHANNEL_COUNTER_FIELDS) figures[field] = stored?.[field] ?? 0;
  return figures;
}

/**
 * The public profile: the published catalogue's figures and the follow counts come from the
 * maintained channel counters; `isFollowed` is the viewer's (false for anonymous viewers and
 * for the user themself).
 */
export function toUserProfile(user: ProfileRecord, isFollowed: boolean): UserProfileResponse {
  const channel = toChannelFigures(user.channel);
  return {
    _id: user._id.toHexString(),
    username: user.username,
    name: user.name,
    profileImage: user.profileImage,
    bio: user.bio ?? '',
    isVerified: user.isVerified,
    createdAt: user.createdAt.toISOString(),
    followersCount: channel.followers,
    followingCount: channel.following,
    videosCount: channel.publishedVideos,
    totalViews: channel.publishedViews,
    totalLikes: channel.publishedLikes,
    isFollowed,
    isFollowedByMe: isFollowed,
  };
}
