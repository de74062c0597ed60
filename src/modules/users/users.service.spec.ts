import type { AppConfig } from 'src/config/app-config';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import type { MediaStorage, StoredMedia } from 'src/infrastructure/media/media-storage.port';
import type { MeRecord, ProfileRecord } from 'src/modules/users/user-records.type';
import type { UsersRepository } from 'src/modules/users/users.repository';
import { type ProfileImageUpload, UsersService } from 'src/modules/users/users.service';

const userId = new Types.ObjectId();
const FILE: ProfileImageUpload = {
  field: 'profileImage',
  size: 10,
  buffer: Buffer.from('png'),
  detectedType: 'png',
};
const STORED: StoredMedia = {
  url: 'https://cdn/avatars/new.png',
  key: 'avatars/new',
  resourceType: 'image',
  durationSeconds: null,
  bytes: 10,
};
const ME: MeRecord = {
  _id: userId,
  username: 'ada',
  email: 'ada@example.com',
  name: 'Ada',
  profileImage: STORED.url,
  isVerified: true,
  emailChange: null,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  updatedAt: new Date('2026-01-02T00:00:00.000Z'),
};
const PROFILE: ProfileRecord = {
  _id: userId,
  username: 'ada',
  name: 'Ada',
  profileImage: 'https://ui-avatars.com/api/?name=Ada&background=random',
  isVerified: true,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
};

/** The stored channel counters of PROFILE's user. */
const CHANNEL = {
  followers: 2,
  following: 1,
  publishedVideos: 3,
  publishedViews: 40,
  publishedLikes: 5,
  videos: 4,
  views: 41,
  likes: 6,
};

describe('UsersService', () => {
  let repository: jest.Mocked<
    Pick<
      UsersRepository,
      'swapProfileImage' | 'findMe' | 'findProfileByUsername' | 'findOwnerLites' | 'search'
    >
  >;
  let storage: jest.Mocked<Pick<MediaStorage, 'upload' | 'delete'>>;
  let sut: UsersService;

  const build = (): UsersService =>
    new UsersService(
      repository as unknown as UsersRepository,
      storage as unknown as MediaStorage,
      new CursorPagesService(
        new CursorCodecService({ auth: { accessSecret: 'k'.repeat(40) } } as AppConfig),
      ),
    );

  beforeEach(() => {
    repository = {
      swapProfileImage: jest.fn(),
      findMe: jest.fn().mockResolvedValue(ME),
      findProfileByUsername: jest.fn(),
      findOwnerLites: jest.fn(),
      search: jest.fn(),
    };
    storage = {
      upload: jest.fn().mockResolvedValue(STORED),
      delete: jest.fn().mockResolvedValue(undefined),
    };
    sut = build();
  });

  describe('updateProfileImage', () => {
    it('uploads as an image, saves, then deletes the replaced upload', async () => {
      repository.swapProfileImage.mockResolvedValue({ previousKey: 'avatars/old' });
      const me = await sut.updateProfileImage(userId.toHexString(), FILE);
      expect(storage.upload).toHaveBeenCalledWith({
        source: { buffer: FILE.buffer },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      });
      expect(repository.swapProfileImage).toHaveBeenCalledWith(
        userId.toHexString(),
        STORED.url,
        STORED.key,
      );
      expect(storage.delete).toHaveBeenCalledWith('avatars/old', 'image');
      expect(me).not.toHaveProperty('profileImageKey');
      expect(me.profileImage).toBe(STORED.url);
    });

    it('never deletes anything when the previous avatar was the default URL', async () => {
      repository.swapProfileImage.mockResolvedValue({ previousKey: null });
      await sut.updateProfileImage(userId.toHexString(), FILE);
      expect(storage.delete).not.toHaveBeenCalled();
    });

    it('deletes the new upload when saving fails, and rethrows', async () => {
      const failure = new Error('database down');
      repository.swapProfileImage.mockRejectedValue(failure);
      await expect(sut.updateProfileImage(userId.toHexString(), FILE)).rejects.toBe(failure);
      expect(storage.delete).toHaveBeenCalledWith(STORED.key, 'image');
    });

    it('deletes the new upload when the account vanished meanwhile', async () => {
      repository.swapProfileImage.mockResolvedValue(undefined);
      await expect(sut.updateProfileImage(userId.toHexString(), FILE)).rejects.toBeInstanceOf(
        AppException,
      );
      expect(storage.delete).toHaveBeenCalledWith(STORED.key, 'image');
    });

    it('only logs a failed deletion of the replaced image', async () => {
      repository.swapProfileImage.mockResolvedValue({ previousKey: 'avatars/old' });
      storage.delete.mockRejectedValue(new Error('storage down'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        await expect(sut.updateProfileImage(userId.toHexString(), FILE)).resolves.toMatchObject({
          _id: userId.toHexString(),
        });
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('avatars/old'));
      } finally {
        warn.mockRestore();
      }
    });

    it('does not touch the database when the upload fails', async () => {
      storage.upload.mockRejectedValue(new Error('storage down'));
      await expect(sut.updateProfileImage(userId.toHexString(), FILE)).rejects.toThrow(
        'storage down',
      );
      expect(repository.swapProfileImage).not.toHaveBeenCalled();
    });
  });

  describe('getProfile', () => {
    it('answers the published figures from the stored counters and asks whether the viewer follows', async () => {
      const isFollowedBy = jest.fn().mockResolvedValue(true);
      repository.findProfileByUsername.mockResolvedValue({ ...PROFILE, channel: CHANNEL });
      const viewer = 'f'.repeat(24);
      expect(await sut.getProfile(' ADA ', viewer, isFollowedBy)).toMatchObject({
        bio: '',
        followersCount: 2,
        followingCount: 1,
        videosCount: 3,
        totalViews: 40,
        totalLikes: 5,
        isFollowed: true,
        isFollowedByMe: true,
      });
      expect(repository.findProfileByUsername).toHaveBeenCalledWith('ada');
      expect(isFollowedBy).toHaveBeenCalledWith(viewer, userId.toHexString());
    });

    it('never asks for the user themself or an anonymous viewer', async () => {
      const isFollowedBy = jest.fn().mockResolvedValue(true);
      repository.findProfileByUsername.mockResolvedValue({ ...PROFILE, channel: CHANNEL });
      for (const viewer of [userId.toHexString(), null]) {
        expect(await sut.getProfile('ada', viewer, isFollowedBy)).toMatchObject({
          followersCount: 2,
          isFollowed: false,
          isFollowedByMe: false,
        });
      }
      expect(isFollowedBy).not.toHaveBeenCalled();
    });

    it('reads missing counters (a document from before they existed) as 0', async () => {
      repository.findProfileByUsername.mockResolvedValue(PROFILE);
      expect(await sut.getProfile('ada', null, jest.fn())).toMatchObject({
        followersCount: 0,
        followingCount: 0,
        videosCount: 0,
        totalViews: 0,
        totalLikes: 0,
      });
    });

    it('asks nothing more when the user is not visible', async () => {
      const isFollowedBy = jest.fn().mockResolvedValue(true);
      repository.findProfileByUsername.mockResolvedValue(null);
      await expect(sut.getProfile('ada', 'f'.repeat(24), isFollowedBy)).rejects.toMatchObject({
        status: 404,
      });
      expect(isFollowedBy).not.toHaveBeenCalled();
    });

    it.each(['ab', 'no-dash', 'admin'])('answers %j with 404 without a query', async (username) => {
      await expect(sut.getProfile(username, null, jest.fn())).rejects.toMatchObject({
        status: 404,
        message: 'User not found',
      });
      expect(repository.findProfileByUsername).not.toHaveBeenCalled();
    });
  });

  describe('for other domains', () => {
    it('findOwnerLites asks nothing for no valid id, and one query for many', async () => {
      expect((await sut.findOwnerLites(['bad', ''])).size).toBe(0);
      expect(repository.findOwnerLites).not.toHaveBeenCalled();
      repository.findOwnerLites.mockResolvedValue([PROFILE]);
      const id = userId.toHexString();
      const owners = await sut.findOwnerLites([id, id.toUpperCase(), id]);
      expect(repository.findOwnerLites).toHaveBeenCalledTimes(1);
      expect(repository.findOwnerLites.mock.calls[0][0]).toHaveLength(1);
      expect(owners.get(id)).toEqual({
        _id: id,
        username: 'ada',
        name: 'Ada',
        profileImage: PROFILE.profileImage,
      });
    });
  });

  it('search answers an empty query without a query', async () => {
    expect(await sut.search({ query: '', page: 1, limit: 20 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(repository.search).not.toHaveBeenCalled();
  });
});
