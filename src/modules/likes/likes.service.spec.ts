import { Types } from 'mongoose';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { AppException } from 'src/common/errors/app.exception';
import type { CommentsService } from 'src/modules/comments/comments.service';
import type { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import type { LikedTargetRecord } from 'src/modules/likes/like-records.type';
import type { LikesRepository } from 'src/modules/likes/likes.repository';
import { LIKED_VIDEOS_SCAN_LIMIT, LikesService } from 'src/modules/likes/likes.service';
import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';
import type { VideosService } from 'src/modules/videos/videos.service';

const VIDEO = new Types.ObjectId().toHexString();
const USER = new Types.ObjectId().toHexString();
const OWNER = new Types.ObjectId().toHexString();

function card(id: string): VideoCardResponse {
  return {
    _id: id,
    owner: { _id: OWNER, username: 'owner', name: 'Owner', profileImage: 'https://img.test/o.png' },
    title: 'Salsa',
    description: '',
    duration: 3,
    views: 0,
    likesCount: 4,
    isLiked: true,
    isPublished: true,
    videoFile: { url: 'https://media.test/v.mp4' },
    thumbnail: { url: 'https://media.test/t.png' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('LikesService', () => {
  let repo: jest.Mocked<
    Pick<LikesRepository, 'deleteOne' | 'insert' | 'figuresFor' | 'findLikedTargets'>
  >;
  let videos: jest.Mocked<Pick<VideosService, 'findVisibleOwnerId' | 'likedVideoCards'>>;
  let comments: jest.Mocked<Pick<CommentsService, 'isVisible'>>;
  let posts: jest.Mocked<Pick<CommunityPostsService, 'findVisibleOwnerId'>>;
  let sut: LikesService;

  beforeEach(() => {
    repo = {
      deleteOne: jest.fn(),
      insert: jest.fn(),
      figuresFor: jest.fn(),
      findLikedTargets: jest.fn(),
    };
    videos = { findVisibleOwnerId: jest.fn(), likedVideoCards: jest.fn() };
    comments = { isVisible: jest.fn() };
    posts = { findVisibleOwnerId: jest.fn() };
    sut = new LikesService(
      repo as unknown as LikesRepository,
      videos as unknown as VideosService,
      comments as unknown as CommentsService,
      posts as unknown as CommunityPostsService,
    );
  });

  describe('toggles', () => {
    it('answers 404 before touching any like when the video is missing or hidden', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(null);
      await expect(sut.toggleVideoLike(VIDEO, USER)).rejects.toMatchObject({
        status: 404,
        message: 'Video not found',
      });
      expect(videos.findVisibleOwnerId).toHaveBeenCalledWith(VIDEO, USER);
      expect(repo.deleteOne).not.toHaveBeenCalled();
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it('likes, then reports the state and count read back in one query', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.deleteOne.mockResolvedValue(false);
      repo.insert.mockResolvedValue(undefined);
      repo.figuresFor.mockResolvedValue([{ _id: new Types.ObjectId(VIDEO), count: 3, liked: 1 }]);

      const result = await sut.toggleVideoLike(VIDEO, USER);

      expect(result).toEqual(
        new ApiResult('Video liked successfully', { isLiked: true, likesCount: 3 }),
      );
      expect(repo.insert).toHaveBeenCalledWith({
        targetType: 'video',
        targetId: VIDEO,
        userId: USER,
      });
      expect(repo.figuresFor).toHaveBeenCalledWith('video', [VIDEO], USER);
      // Checked before, and re-checked after the create.
      expect(videos.findVisibleOwnerId).toHaveBeenCalledTimes(2);
    });

    it('unlikes, reporting zero when no like is left', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.deleteOne.mockResolvedValue(true);
      repo.figuresFor.mockResolvedValue([]);
      await expect(sut.toggleVideoLike(VIDEO, USER)).resolves.toEqual(
        new ApiResult('Video unliked successfully', { isLiked: false, likesCount: 0 }),
      );
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it('reports the stored state, not the intended one, when a concurrent toggle changed it', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.deleteOne.mockResolvedValue(true);
      repo.figuresFor.mockResolvedValue([{ _id: new Types.ObjectId(VIDEO), count: 1, liked: 1 }]);
      const result = await sut.toggleVideoLike(VIDEO, USER);
      expect(result.message).toBe('Video liked successfully');
      expect(result.data).toEqual({ isLiked: true, likesCount: 1 });
    });

    it('removes the like and answers 404 when the target vanished after the create', async () => {
      videos.findVisibleOwnerId.mockResolvedValueOnce(OWNER).mockResolvedValueOnce(null);
      repo.deleteOne.mockResolvedValue(false);
      repo.insert.mockResolvedValue(undefined);
      await expect(sut.toggleVideoLike(VIDEO, USER)).rejects.toBeInstanceOf(AppException);
      expect(repo.deleteOne).toHaveBeenCalledTimes(2);
      expect(repo.figuresFor).not.toHaveBeenCalled();
    });

    it('checks a comment through the comments service, with its own messages', async () => {
      comments.isVisible.mockResolvedValueOnce(false);
      await expect(sut.toggleCommentLike(VIDEO, USER)).rejects.toMatchObject({
        message: 'Comment not found',
      });

      comments.isVisible.mockResolvedValue(true);
      repo.deleteOne.mockResolvedValue(false);
      repo.insert.mockResolvedValue(undefined);
      repo.figuresFor.mockResolvedValue([{ _id: new Types.ObjectId(VIDEO), count: 1, liked: 1 }]);
      const result = await sut.toggleCommentLike(VIDEO, USER);
      expect(result.message).toBe('Comment liked successfully');
      expect(repo.insert).toHaveBeenCalledWith({
        targetType: 'comment',
        targetId: VIDEO,
        userId: USER,
      });
    });

    it('checks a post through the posts service, with its own messages', async () => {
      posts.findVisibleOwnerId.mockResolvedValueOnce(null);
      await expect(sut.toggleCommunityPostLike(VIDEO, USER)).rejects.toMatchObject({
        message: 'Community post not found',
      });

      posts.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.deleteOne.mockResolvedValue(true);
      repo.figuresFor.mockResolvedValue([]);
      const result = await sut.toggleCommunityPostLike(VIDEO, USER);
      expect(result.message).toBe('Post unliked successfully');
      expect(repo.deleteOne).toHaveBeenCalledWith({
        targetType: 'communityPost',
        targetId: VIDEO,
        userId: USER,
      });
    });
  });

  describe('likedVideos (L4)', () => {
    it('passes the liked ids in like order to the videos and adds likedAt', async () => {
      const [a, b] = [new Types.ObjectId(), new Types.ObjectId()];
      const likes: LikedTargetRecord[] = [
        { _id: new Types.ObjectId(), target: b, createdAt: new Date('2026-02-01T00:00:00.000Z') },
        { _id: new Types.ObjectId(), target: a, createdAt: new Date('2026-01-01T00:00:00.000Z') },
      ];
      repo.findLikedTargets.mockResolvedValue(likes);
      videos.likedVideoCards.mockResolvedValue([card(b.toHexString())]);

      const result = await sut.likedVideos(USER, { page: 2, limit: 5 });

      expect(repo.findLikedTargets).toHaveBeenCalledWith(USER, 'video', LIKED_VIDEOS_SCAN_LIMIT);
      expect(videos.likedVideoCards).toHaveBeenCalledWith(
        [b.toHexString(), a.toHexString()],
        5,
        5,
        USER,
      );
      expect(result).toEqual([
        { ...card(b.toHexString()), isLiked: true, likedAt: '2026-02-01T00:00:00.000Z' },
      ]);
      expect(Object.keys(result[0]).at(-1)).toBe('likedAt');
    });

    it('answers an empty list without asking the videos when nothing is liked', async () => {
      repo.findLikedTargets.mockResolvedValue([]);
      await expect(sut.likedVideos(USER, { page: 1, limit: 20 })).resolves.toEqual([]);
      expect(videos.likedVideoCards).not.toHaveBeenCalled();
    });
  });
});
