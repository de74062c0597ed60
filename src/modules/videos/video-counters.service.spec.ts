import { Types } from 'mongoose';
import type { DomainEvent } from 'src/common/events/domain-events';
import type { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import { contribution, VideoCountersService } from 'src/modules/videos/video-counters.service';
import type { VideoCountsRecord } from 'src/modules/videos/video-records.type';
import type { VideosRepository } from 'src/modules/videos/videos.repository';

const OWNER = new Types.ObjectId();
const VIDEO = new Types.ObjectId().toHexString();

function video(overrides: Partial<VideoCountsRecord> = {}): VideoCountsRecord {
  return {
    _id: new Types.ObjectId(VIDEO),
    owner: OWNER,
    isPublished: true,
    views: 7,
    likesCount: 3,
    ...overrides,
  };
}

function likeEvent(targetType: 'video' | 'comment' | 'communityPost'): DomainEvent<'like.added'> {
  return { id: 'e1', name: 'like.added', payload: { targetType, targetId: VIDEO, userId: 'u' } };
}

describe('VideoCountersService', () => {
  let repo: jest.Mocked<Pick<VideosRepository, 'incrementLikes' | 'incrementViews'>>;
  let channels: jest.Mocked<Pick<ChannelCountersService, 'adjust'>>;
  let sut: VideoCountersService;

  beforeEach(() => {
    repo = { incrementLikes: jest.fn(), incrementViews: jest.fn() };
    channels = { adjust: jest.fn().mockResolvedValue(undefined) };
    sut = new VideoCountersService(
      repo as unknown as VideosRepository,
      channels as unknown as ChannelCountersService,
    );
  });

  it('a like on a published video counts in both of the owner totals', async () => {
    repo.incrementLikes.mockResolvedValue(video());
    await sut.onLikeAdded(likeEvent('video'));
    expect(repo.incrementLikes).toHaveBeenCalledWith(VIDEO, 1);
    expect(channels.adjust).toHaveBeenCalledWith(OWNER.toHexString(), {
      likes: 1,
      publishedLikes: 1,
    });
  });

  it('an unlike on an unpublished video leaves the published total alone', async () => {
    repo.incrementLikes.mockResolvedValue(video({ isPublished: false }));
    await sut.onLikeRemoved({ ...likeEvent('video'), name: 'like.removed' });
    expect(repo.incrementLikes).toHaveBeenCalledWith(VIDEO, -1);
    expect(channels.adjust).toHaveBeenCalledWith(OWNER.toHexString(), {
      likes: -1,
      publishedLikes: 0,
    });
  });

  it('ignores likes on comments and posts, and likes on a video that is gone', async () => {
    await sut.onLikeAdded(likeEvent('comment'));
    await sut.onLikeAdded(likeEvent('communityPost'));
    expect(repo.incrementLikes).not.toHaveBeenCalled();
    repo.incrementLikes.mockResolvedValue(null);
    await sut.onLikeAdded(likeEvent('video'));
    expect(channels.adjust).not.toHaveBeenCalled();
  });

  it('a counted view answers the new count and moves the owner views by the state it read', async () => {
    repo.incrementViews.mockResolvedValue(video({ views: 8, isPublished: false }));
    await expect(sut.countView(VIDEO)).resolves.toBe(8);
    expect(channels.adjust).toHaveBeenCalledWith(OWNER.toHexString(), {
      views: 1,
      publishedViews: 0,
    });
    repo.incrementViews.mockResolvedValue(null);
    await expect(sut.countView(VIDEO)).resolves.toBeNull();
  });

  it('a publish moves the video views and likes into the published totals, an unpublish out', async () => {
    await sut.publishChanged(video({ isPublished: true }));
    expect(channels.adjust).toHaveBeenLastCalledWith(OWNER.toHexString(), {
      publishedVideos: 1,
      publishedViews: 7,
      publishedLikes: 3,
    });
    await sut.publishChanged(video({ isPublished: false }));
    expect(channels.adjust).toHaveBeenLastCalledWith(OWNER.toHexString(), {
      publishedVideos: -1,
      publishedViews: -7,
      publishedLikes: -3,
    });
  });

  it('what a video adds on creation is exactly what it takes on deletion', () => {
    for (const isPublished of [true, false]) {
      const added = contribution(video({ isPublished }), 1);
      const taken = contribution(video({ isPublished }), -1);
      for (const [field, value] of Object.entries(added))
        expect(value + (taken[field as keyof typeof taken] ?? 0)).toBe(0);
    }
    expect(contribution(video({ isPublished: false, likesCount: undefined }), 1)).toEqual({
      videos: 1,
      views: 7,
      likes: 0,
      publishedVideos: 0,
      publishedViews: 0,
      publishedLikes: 0,
    });
  });
});
