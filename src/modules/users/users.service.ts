import type { CursorList } from 'src/common/dto/paginated.util';
import { CursorPagesService, searchKey } from 'src/common/pagination/cursor-pages.service';
import { Injectable, Logger } from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import { isObjectIdString } from 'src/common/validation/rules.util';
import {
  CONTENT_TYPES,
  type DetectedFileType,
  type ReceivedFile,
} from 'src/common/uploads/upload-spec.type';
import { MediaStorage } from 'src/infrastructure/media/media-storage.port';
import type { SearchUsersQueryDto } from 'src/modules/users/dto/search-users-query.dto';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UserCardResponse } from 'src/modules/users/dto/user-card.response';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import type { MeRecord } from 'src/modules/users/user-records.type';
import { isValidUsername } from 'src/modules/users/users.constant';
import { UsersErrors } from 'src/modules/users/users.errors';
import { toMe, toOwnerLite, toUserCard, toUserProfile } from 'src/modules/users/users.mapper';
import { UsersRepository } from 'src/modules/users/users.repository';

export type ProfileImageUpload = ReceivedFile & { detectedType: DetectedFileType };

/** Storage folder of uploaded avatars. */
const AVATAR_FOLDER = 'avatars';

/**
 * Users as the rest of the API sees them: Me, search, profiles, the profile updates (`/user`), and
 * the lookups other domains need (`findOwnerLites`, `findVisibleUserById`, `isVerified`).
 * A user is visible only when verified (docs/api.md#visibility).
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly storage: MediaStorage,
    private readonly pages: CursorPagesService,
  ) {}

  isVerified(userId: string): Promise<boolean> {
    return this.users.isVerified(userId);
  }

  async getMe(userId: string): Promise<MeResponse> {
    return toMe(orSignedOut(await this.users.findMe(userId)));
  }

  /**
   * `GET /user/search`: an empty query lists nobody; otherwise literal, case-insensitive, verified
   * users only.
   */
  async search(query: SearchUsersQueryDto): Promise<CursorList<UserCardResponse>> {
    const text = query.query ?? '';
    // Bound to the search text (docs/api.md#cursor-pages).
    const request = this.pages.open(`user-search:${searchKey(text)}`, query, 'string');
    const users = text === '' ? [] : await this.users.search(text, request.window);
    return this.pages.closeList(
      request,
      users,
      (user) => ({ key: user.username, id: user._id.toHexString() }),
      (page) => Promise.resolve(page.map(toUserCard)),
    );
  }

  /**
   * The channel profile: a malformed, reserved, unknown or pending username is the same 404. Its
   * figures are the user's maintained channel counters, read with the profile; whether the viewer
   * follows the user lives in the follows domain and comes from `isFollowedBy` (the channel
   * feature), asked only for a visible user and a signed-in viewer other than the user.
   */
  async getProfile(
    rawUsername: string,
    viewerId: string | null,
    isFollowedBy: (viewerId: string, userId: string) => Promise<boolean>,
  ): Promise<UserProfileResponse> {
    const username = rawUsername.trim().toLowerCase();
    if (!isValidUsername(username)) throw UsersErrors.userNotFound();
    const profile = await this.users.findProfileByUsername(username);
    if (!profile) throw UsersErrors.userNotFound();
    const userId = profile._id.toHexString();
    // Nobody follows themself.
    const followed =
      viewerId !== null && viewerId !== userId && (await isFollowedBy(viewerId, userId));
    return toUserProfile(profile, followed);
  }

  async updateName(userId: string, name: string): Promise<MeResponse> {
    return toMe(orSignedOut(await this.users.updateProfile(userId, { name })));
  }

  async updateBio(userId: string, bio: string): Promise<MeResponse> {
    return toMe(orSignedOut(await this.users.updateProfile(userId, { bio })));
  }

  /**
   * `PATCH /user/profileimage`: store the new image, point the user at it, then delete the image it
   * replaced. The default ui-avatars URL has no storage key, so it is never "deleted". If saving
   * fails after the upload, the upload is deleted again: no failed request leaves an orphan in
   * storage.
   */
  async updateProfileImage(userId: string, file: ProfileImageUpload): Promise<MeResponse> {
    const stored = await this.storage.upload({
      source: uploadSource(file),
      resourceType: 'image',
      contentType: CONTENT_TYPES[file.detectedType],
      folder: AVATAR_FOLDER,
    });
    let swapped: { previousKey: string | null } | undefined;
    try {
      swapped = await this.users.swapProfileImage(userId, stored.url, stored.key);
    } catch (error) {
      await this.deleteImage(stored.key);
      throw error;
    }
    if (!swapped) {
      await this.deleteImage(stored.key);
      throw UsersErrors.signedOut();
    }
    if (swapped.previousKey) await this.deleteImage(swapped.previousKey);
    return this.getMe(userId);
  }

  /** For other domains: the OwnerLite of each verified user among `ids`, in one query. */
  async findOwnerLites(ids: string[]): Promise<Map<string, OwnerLiteResponse>> {
    const unique = [...new Set(ids.filter(isObjectIdString).map((id) => id.toLowerCase()))];
    if (unique.length === 0) return new Map();
    const owners = await this.users.findOwnerLites(unique);
    return new Map(owners.map((owner) => [owner._id.toHexString(), toOwnerLite(owner)]));
  }

  /** The watch page's owner: their OwnerLite and maintained followers count, or null unless verified. */
  async findChannelOwner(
    id: string,
  ): Promise<{ owner: OwnerLiteResponse; followersCount: number } | null> {
    const owner = await this.users.findChannelOwner(id);
    return owner
      ? { owner: toOwnerLite(owner), followersCount: owner.channel?.followers ?? 0 }
      : null;
  }

  /** For other domains: the user behind an id if visible (verified), else null. */
  async findVisibleUserById(id: string): Promise<OwnerLiteResponse | null> {
    if (!isObjectIdString(id)) return null;
    const owner = await this.users.findOwnerLite(id);
    return owner ? toOwnerLite(owner) : null;
  }

  /** Storage clean-up never fails the request: the user's data is already right; an orphan is only logged. */
  private async deleteImage(key: string): Promise<void> {
    try {
      await this.storage.delete(key, 'image');
    } catch (error) {
      this.logger.warn(`Could not delete profile image ${key}: ${describeError(error)}`);
    }
  }
}

/** PROFILE_IMAGE_FILE buffers in memory; a temp file is accepted too should that ever change. */
function uploadSource(file: ProfileImageUpload): { buffer: Buffer } | { path: string } {
  if (file.buffer) return { buffer: file.buffer };
  if (file.path) return { path: file.path };
  throw new Error('The upload pipeline delivered a file without content');
}

function orSignedOut(user: MeRecord | null): MeRecord {
  if (!user) throw UsersErrors.signedOut();
  return user;
}
