import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import type { DomainEvents } from 'src/common/events/domain-events';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import type { AppConfig } from 'src/config/app-config';
import type { CommentRecord } from 'src/modules/comments/comment-records.type';
import type { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommentsService } from 'src/modules/comments/comments.service';
import type { CommunityPostCountersService } from 'src/modules/community-posts/community-post-counters.service';
import type { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import type { LikesService } from 'src/modules/likes/likes.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UsersService } from 'src/modules/users/users.service';
import type { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import type { VideoCountersService } from 'src/modules/videos/video-counters.service';

const id = (): string => new Types.ObjectId().toHexString();
const AUTHOR = id();
const CREATOR = id();
const STRANGER = id();
const VIDEO = id();
const POST = id();

function lite(userId: string): OwnerLiteResponse {
  return {
    _id: userId,
    username: `u${userId.slice(-4)}`,
    name: 'Someone',
    profileImage: 'https://img.test/a.png',
  };
}

function record(overrides: Partial<CommentRecord> = {}): CommentRecord {
  const at = new Date('2026-01-01T00:00:00.000Z');
  return {
    _id: new Types.ObjectId(),
    content: 'Nice',
    video: new Types.ObjectId(VIDEO),
    owner: new Types.ObjectId(AUTHOR),
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('CommentsService', () => {
  let repo: jest.Mocked<
    Pick<CommentsRepository, 'findById' | 'findPage' | 'create' | 'updateOwned' | 'deleteById'>
  >;
  let users: jest.Mocked<Pick<UsersService, 'findOwnerLites' | 'findVisibleUserById'>>;
  let videos: jest.Mocked<Pick<VideoCatalogueService, 'findVisibleOwnerId'>>;
  let posts: jest.Mocked<Pick<CommunityPostsService, 'findVisibleOwnerId' | 'findOwnerIdOfPost'>>;
  let likes: jest.Mocked<Pick<LikesService, 'likedAmong' | 'removeAllOn'>>;
  let videoCounters: jest.Mocked<Pick<VideoCountersService, 'moveComments'>>;
  let postCounters: jest.Mocked<Pick<CommunityPostCountersService, 'moveComments'>>;
  let events: jest.Mocked<Pick<DomainEvents, 'publish'>>;
  let sut: CommentsService;

  beforeEach(() => {
    repo = {
      findById: jest.fn(),
      findPage: jest.fn(),
      create: jest.fn(),
      updateOwned: jest.fn(),
      deleteById: jest.fn(),
    };
    users = { findOwnerLites: jest.fn(), findVisibleUserById: jest.fn() };
    videos = { findVisibleOwnerId: jest.fn() };
    posts = { findVisibleOwnerId: jest.fn(), findOwnerIdOfPost: jest.fn() };
    likes = { likedAmong: jest.fn(), removeAllOn: jest.fn().mockResolvedValue(0) };
    videoCounters = { moveComments: jest.fn().mockResolvedValue(undefined) };
    postCounters = { moveComments: jest.fn().mockResolvedValue(undefined) };
    events = { publish: jest.fn().mockResolvedValue('event-id') };
    const codec = new CursorCodecService({ auth: { accessSecret: 'k'.repeat(40) } } as AppConfig);
    sut = new CommentsService(
      repo as unknown as CommentsRepository,
      users as unknown as UsersService,
      videos as unknown as VideoCatalogueService,
      posts as unknown as CommunityPostsService,
      likes as unknown as LikesService,
      videoCounters as unknown as VideoCountersService,
      postCounters as unknown as CommunityPostCountersService,
      codec,
      events as unknown as DomainEvents,
      new CursorPagesService(codec),
    );
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('remove', () => {
    it.each([
      ['the author', AUTHOR],
      ['the owner of the parent video', CREATOR],
    ])(
      'lets %s delete, then counts it out of the video and removes its likes',
      async (_who, caller) => {
        const comment = record();
        repo.findById.mockResolvedValue(comment);
        videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
        repo.deleteById.mockResolvedValue(true);

        await expect(sut.remove(comment._id.toHexString(), caller)).resolves.toBeNull();

        expect(videos.findVisibleOwnerId).toHaveBeenCalledWith(VIDEO, caller);
        expect(videoCounters.moveComments).toHaveBeenCalledWith(VIDEO, -1);
        expect(postCounters.moveComments).not.toHaveBeenCalled();
        expect(likes.removeAllOn).toHaveBeenCalledWith('comment', [comment._id.toHexString()]);
        expect(repo.deleteById.mock.invocationCallOrder[0]).toBeLessThan(
          likes.removeAllOn.mock.invocationCallOrder[0],
        );
      },
    );

    it('lets the owner of the parent post delete', async () => {
      const comment = record({ video: undefined, communityPost: new Types.ObjectId(POST) });
      repo.findById.mockResolvedValue(comment);
      posts.findVisibleOwnerId.mockResolvedValue(CREATOR);
      repo.deleteById.mockResolvedValue(true);
      await expect(sut.remove(comment._id.toHexString(), CREATOR)).resolves.toBeNull();
      expect(posts.findVisibleOwnerId).toHaveBeenCalledWith(POST);
      expect(videos.findVisibleOwnerId).not.toHaveBeenCalled();
    });

    it('answers 403 to anyone else, without deleting', async () => {
      repo.findById.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      await expect(sut.remove(id(), STRANGER)).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to delete this comment',
      });
      expect(repo.deleteById).not.toHaveBeenCalled();
    });

    it('answers 404 (not 403) when the parent is hidden from the caller', async () => {
      repo.findById.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValue(null);
      await expect(sut.remove(id(), STRANGER)).rejects.toMatchObject({
        status: 404,
        message: 'Comment not found',
      });
      expect(repo.deleteById).not.toHaveBeenCalled();
    });

    it('logs a failed like clean-up with the comment id and still succeeds', async () => {
      const comment = record();
      repo.findById.mockResolvedValue(comment);
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      repo.deleteById.mockResolvedValue(true);
      likes.removeAllOn.mockRejectedValue(new Error('likes store down'));
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      await expect(sut.remove(comment._id.toHexString(), AUTHOR)).resolves.toBeNull();
      expect(error).toHaveBeenCalledWith(
        expect.stringContaining(comment._id.toHexString()),
        expect.any(String),
      );
    });
  });

  describe('update', () => {
    it("answers 403 to the parent's owner: only the author edits", async () => {
      repo.findById.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      await expect(sut.update(id(), CREATOR, 'x')).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to edit this comment',
      });
      expect(repo.updateOwned).not.toHaveBeenCalled();
    });

    it('answers 404 when the comment vanished between the check and the write', async () => {
      repo.findById.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      repo.updateOwned.mockResolvedValue(null);
      users.findVisibleUserById.mockResolvedValue(lite(AUTHOR));
      await expect(sut.update(id(), AUTHOR, 'x')).rejects.toMatchObject({
        status: 404,
        message: 'Comment not found',
      });
      expect(likes.likedAmong).not.toHaveBeenCalled();
    });

    it("answers the edited comment with the author, its stored likesCount and the caller's like", async () => {
      const updated = record({ content: 'edited', likesCount: 2 });
      const commentId = updated._id.toHexString();
      repo.findById.mockResolvedValue(record({ _id: updated._id }));
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      repo.updateOwned.mockResolvedValue(updated);
      users.findVisibleUserById.mockResolvedValue(lite(AUTHOR));
      likes.likedAmong.mockResolvedValue(new Set([commentId]));

      const result = await sut.update(commentId, AUTHOR, 'edited');
      expect(repo.updateOwned).toHaveBeenCalledWith(commentId, AUTHOR, 'edited');
      expect(result).toMatchObject({
        _id: commentId,
        content: 'edited',
        video: VIDEO,
        likesCount: 2,
        isLiked: true,
      });
    });
  });

  describe('addToVideo', () => {
    it('answers 404 without creating when the video is hidden', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(null);
      users.findVisibleUserById.mockResolvedValue(lite(AUTHOR));
      await expect(sut.addToVideo(VIDEO, AUTHOR, 'hi')).rejects.toMatchObject({
        status: 404,
        message: 'Video not found',
      });
      expect(repo.create).not.toHaveBeenCalled();
    });

    it('removes the new comment (and its likes) when the video vanished right after the create', async () => {
      const created = record();
      videos.findVisibleOwnerId.mockResolvedValueOnce(CREATOR).mockResolvedValueOnce(null);
      users.findVisibleUserById.mockResolvedValue(lite(AUTHOR));
      repo.create.mockResolvedValue(created);
      repo.deleteById.mockResolvedValue(true);

      await expect(sut.addToVideo(VIDEO, AUTHOR, 'hi')).rejects.toMatchObject({
        status: 404,
        message: 'Video not found',
      });
      expect(repo.deleteById).toHaveBeenCalledWith(created._id.toHexString());
      expect(likes.removeAllOn).toHaveBeenCalledWith('comment', [created._id.toHexString()]);
    });

    it('answers the new comment with zero likes', async () => {
      const created = record({ content: 'hi' });
      videos.findVisibleOwnerId.mockResolvedValue(CREATOR);
      users.findVisibleUserById.mockResolvedValue(lite(AUTHOR));
      repo.create.mockResolvedValue(created);
      const result = await sut.addToVideo(VIDEO, AUTHOR, 'hi');
      expect(repo.create).toHaveBeenCalledWith({ kind: 'video', id: VIDEO }, AUTHOR, 'hi');
      expect(result).toMatchObject({ content: 'hi', video: VIDEO, likesCount: 0, isLiked: false });
      expect(result).not.toHaveProperty('communityPost');
    });
  });

  describe('listForPost', () => {
    it("answers 404 when the post's owner is not among the visible users, checked in the owners query", async () => {
      posts.findOwnerIdOfPost.mockResolvedValue(CREATOR);
      const comment = record({ video: undefined, communityPost: new Types.ObjectId(POST) });
      repo.findPage.mockResolvedValue({ records: [comment], total: 1 });
      users.findOwnerLites.mockResolvedValue(new Map([[AUTHOR, lite(AUTHOR)]]));
      likes.likedAmong.mockResolvedValue(new Set());

      await expect(
        sut.listForPost(POST, { page: 1, limit: 10, sortOrder: 'asc' }, null),
      ).rejects.toMatchObject({
        status: 404,
        message: 'Community post not found',
      });
      expect(users.findOwnerLites).toHaveBeenCalledTimes(1);
      expect(users.findOwnerLites).toHaveBeenCalledWith([AUTHOR, CREATOR]);
    });

    it('pages with skip and limit (reading one past the page) and leaves out comments without a visible author', async () => {
      posts.findOwnerIdOfPost.mockResolvedValue(CREATOR);
      const kept = record({ video: undefined, communityPost: new Types.ObjectId(POST) });
      const orphan = record({
        video: undefined,
        communityPost: new Types.ObjectId(POST),
        owner: new Types.ObjectId(),
      });
      repo.findPage.mockResolvedValue({ records: [kept, orphan], total: 12 });
      users.findOwnerLites.mockResolvedValue(
        new Map([
          [AUTHOR, lite(AUTHOR)],
          [CREATOR, lite(CREATOR)],
        ]),
      );
      likes.likedAmong.mockResolvedValue(new Set());
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

      const page = await sut.listForPost(POST, { page: 2, limit: 5, sortOrder: 'desc' }, STRANGER);
      expect(repo.findPage).toHaveBeenCalledWith({ kind: 'communityPost', id: POST }, 'desc', 5, 6);
      expect(likes.likedAmong).toHaveBeenCalledWith(
        'comment',
        [kept._id.toHexString(), orphan._id.toHexString()],
        STRANGER,
      );
      expect(page.docs.map((doc) => doc._id)).toEqual([kept._id.toHexString()]);
      expect(page).toMatchObject({
        totalDocs: 12,
        page: 2,
        limit: 5,
        totalPages: 3,
        nextCursor: null,
      });
    });
  });

  describe('isVisible (for the comment like)', () => {
    it('is false for a missing comment and for one whose parent is hidden', async () => {
      repo.findById.mockResolvedValueOnce(null);
      await expect(sut.isVisible(id(), AUTHOR)).resolves.toBe(false);
      repo.findById.mockResolvedValueOnce(record());
      videos.findVisibleOwnerId.mockResolvedValueOnce(null);
      await expect(sut.isVisible(id(), AUTHOR)).resolves.toBe(false);
      repo.findById.mockResolvedValueOnce(record());
      videos.findVisibleOwnerId.mockResolvedValueOnce(CREATOR);
      await expect(sut.isVisible(id(), null)).resolves.toBe(true);
    });
  });
});
