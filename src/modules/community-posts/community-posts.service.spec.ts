import type { AppConfig } from 'src/config/app-config';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import type { PostRecord } from 'src/modules/community-posts/post-records.type';
import type { DomainEvents } from 'src/common/events/domain-events';
import type { LikesService } from 'src/modules/likes/likes.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UsersService } from 'src/modules/users/users.service';

const id = (): string => new Types.ObjectId().toHexString();
const OWNER = id();
const OTHER = id();

function lite(userId: string): OwnerLiteResponse {
  return {
    _id: userId,
    username: `u${userId.slice(-4)}`,
    name: 'Poster',
    profileImage: 'https://img.test/p.png',
  };
}

function post(overrides: Partial<PostRecord> = {}): PostRecord {
  const at = new Date('2026-05-06T07:08:09.010Z');
  return {
    _id: new Types.ObjectId(),
    owner: new Types.ObjectId(OWNER),
    content: 'Hello',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('CommunityPostsService', () => {
  let repo: jest.Mocked<
    Pick<
      CommunityPostsRepository,
      'create' | 'findById' | 'findPage' | 'updateOwned' | 'deleteOwned'
    >
  >;
  let users: jest.Mocked<
    Pick<UsersService, 'findOwnerLites' | 'findVisibleUserById' | 'isVerified'>
  >;
  let likes: jest.Mocked<Pick<LikesService, 'likedAmong' | 'removeAllOn'>>;
  let events: jest.Mocked<Pick<DomainEvents, 'publish'>>;
  let sut: CommunityPostsService;

  beforeEach(() => {
    repo = {
      create: jest.fn(),
      findById: jest.fn(),
      findPage: jest.fn(),
      updateOwned: jest.fn(),
      deleteOwned: jest.fn(),
    };
    users = { findOwnerLites: jest.fn(), findVisibleUserById: jest.fn(), isVerified: jest.fn() };
    likes = { likedAmong: jest.fn(), removeAllOn: jest.fn().mockResolvedValue(0) };
    events = { publish: jest.fn().mockResolvedValue('event-1') };
    sut = new CommunityPostsService(
      repo as unknown as CommunityPostsRepository,
      users as unknown as UsersService,
      likes as unknown as LikesService,
      events as unknown as DomainEvents,
      new CursorPagesService(
        new CursorCodecService({ auth: { accessSecret: 'k'.repeat(40) } } as AppConfig),
      ),
    );
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('create answers the Post with its owner and no likes', async () => {
    const created = post({ content: 'New class' });
    users.findVisibleUserById.mockResolvedValue(lite(OWNER));
    repo.create.mockResolvedValue(created);
    await expect(sut.create(OWNER, 'New class')).resolves.toEqual({
      _id: created._id.toHexString(),
      owner: lite(OWNER),
      content: 'New class',
      likesCount: 0,
      isLiked: false,
      createdAt: '2026-05-06T07:08:09.010Z',
      updatedAt: '2026-05-06T07:08:09.010Z',
    });
  });

  describe('feed', () => {
    it("resolves owners and the viewer's likes once per page, and leaves out posts without a visible owner", async () => {
      const visible = post({ likesCount: 5 });
      const hidden = post({ owner: new Types.ObjectId(OTHER) });
      repo.findPage.mockResolvedValue({ records: [visible, hidden], total: 2 });
      users.findOwnerLites.mockResolvedValue(new Map([[OWNER, lite(OWNER)]]));
      likes.likedAmong.mockResolvedValue(new Set([visible._id.toHexString()]));
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

      const page = await sut.feed({ page: 3, limit: 4 }, OTHER);

      expect(repo.findPage).toHaveBeenCalledWith(null, 8, 5);
      expect(users.findOwnerLites).toHaveBeenCalledTimes(1);
      expect(likes.likedAmong).toHaveBeenCalledWith(
        'communityPost',
        [visible._id.toHexString(), hidden._id.toHexString()],
        OTHER,
      );
      expect(page.docs).toEqual([
        expect.objectContaining({ _id: visible._id.toHexString(), likesCount: 5, isLiked: true }),
      ]);
    });

    it('skips owners and likes for an empty page', async () => {
      repo.findPage.mockResolvedValue({ records: [], total: 0 });
      const page = await sut.feed({ page: 1, limit: 10 }, null);
      expect(page).toMatchObject({ docs: [], totalDocs: 0, totalPages: 1 });
      expect(users.findOwnerLites).not.toHaveBeenCalled();
      expect(likes.likedAmong).not.toHaveBeenCalled();
    });
  });

  it('listByUser answers 404 User not found for a missing or pending user before reading posts', async () => {
    users.findVisibleUserById.mockResolvedValue(null);
    await expect(sut.listByUser(OTHER, { page: 1, limit: 10 }, null)).rejects.toMatchObject({
      status: 404,
      message: 'User not found',
    });
    expect(repo.findPage).not.toHaveBeenCalled();
  });

  describe('update', () => {
    it('answers 404 for a post whose owner is hidden, before any ownership check', async () => {
      repo.findById.mockResolvedValue(post({ owner: new Types.ObjectId(OTHER) }));
      users.findVisibleUserById.mockResolvedValue(null);
      await expect(sut.update(id(), OWNER, 'x')).rejects.toMatchObject({
        status: 404,
        message: 'Post not found',
      });
    });

    it('answers 403 to someone else without writing', async () => {
      repo.findById.mockResolvedValue(post());
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      await expect(sut.update(id(), OTHER, 'x')).rejects.toMatchObject({
        status: 403,
        message: 'You can only edit your own posts',
      });
      expect(repo.updateOwned).not.toHaveBeenCalled();
    });

    it('answers 404 when the post was deleted during the edit', async () => {
      repo.findById.mockResolvedValue(post());
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      repo.updateOwned.mockResolvedValue(null);
      await expect(sut.update(id(), OWNER, 'x')).rejects.toMatchObject({
        status: 404,
        message: 'Post not found',
      });
    });
  });

  describe('remove', () => {
    it('deletes the post first, then its likes, then publishes the event for its comments', async () => {
      const stored = post();
      const postId = stored._id.toHexString();
      repo.findById.mockResolvedValue(stored);
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      repo.deleteOwned.mockResolvedValue(true);

      await expect(sut.remove(postId, OWNER)).resolves.toBeNull();
      expect(repo.deleteOwned).toHaveBeenCalledWith(postId, OWNER);
      expect(likes.removeAllOn).toHaveBeenCalledWith('communityPost', [postId]);
      expect(events.publish).toHaveBeenCalledWith(
        'community-post.deleted',
        expect.objectContaining({ postId, ownerId: OWNER }),
      );
      expect(repo.deleteOwned.mock.invocationCallOrder[0]).toBeLessThan(
        likes.removeAllOn.mock.invocationCallOrder[0],
      );
      expect(likes.removeAllOn.mock.invocationCallOrder[0]).toBeLessThan(
        events.publish.mock.invocationCallOrder[0],
      );
    });

    it('answers 403 to someone else and publishes nothing', async () => {
      repo.findById.mockResolvedValue(post());
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      await expect(sut.remove(id(), OTHER)).rejects.toMatchObject({
        status: 403,
        message: 'You can only delete your own posts',
      });
      expect(repo.deleteOwned).not.toHaveBeenCalled();
      expect(events.publish).not.toHaveBeenCalled();
    });

    it('answers 404 when a concurrent delete won, leaving the clean-up to it', async () => {
      repo.findById.mockResolvedValue(post());
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      repo.deleteOwned.mockResolvedValue(false);
      await expect(sut.remove(id(), OWNER)).rejects.toMatchObject({
        status: 404,
        message: 'Post not found',
      });
      expect(events.publish).not.toHaveBeenCalled();
    });

    it('logs a failed removal of the likes with the ids, still tells the comments, and succeeds', async () => {
      const stored = post();
      repo.findById.mockResolvedValue(stored);
      users.findVisibleUserById.mockResolvedValue(lite(OWNER));
      repo.deleteOwned.mockResolvedValue(true);
      likes.removeAllOn.mockRejectedValue(new Error('likes store down'));
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      await expect(sut.remove(stored._id.toHexString(), OWNER)).resolves.toBeNull();
      expect(error).toHaveBeenCalledWith(
        expect.stringContaining(stored._id.toHexString()),
        expect.any(String),
      );
      expect(events.publish).toHaveBeenCalledTimes(1);
    });
  });

  it('findVisibleOwnerId is null for a missing post and for a pending owner', async () => {
    repo.findById.mockResolvedValueOnce(null);
    await expect(sut.findVisibleOwnerId(id())).resolves.toBeNull();
    repo.findById.mockResolvedValueOnce(post());
    users.isVerified.mockResolvedValueOnce(false);
    await expect(sut.findVisibleOwnerId(id())).resolves.toBeNull();
    repo.findById.mockResolvedValueOnce(post());
    users.isVerified.mockResolvedValueOnce(true);
    await expect(sut.findVisibleOwnerId(id())).resolves.toBe(OWNER);
  });
});
