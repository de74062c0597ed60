import type { ModuleRef } from '@nestjs/core';
import { Types } from 'mongoose';
import { ChannelStatsService } from 'src/modules/dashboard/channel-stats.service';
import type { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { VideoLikesPort } from 'src/modules/videos/ports/video-likes.port';
import { VideosService } from 'src/modules/videos/videos.service';

const OWNER = new Types.ObjectId().toHexString();
const VIEWER = new Types.ObjectId().toHexString();
const [V1, V2] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];

describe('ChannelStatsService', () => {
  let follows: jest.Mocked<Pick<FollowCountsService, 'followersCount' | 'profileFigures'>>;
  let videos: jest.Mocked<Pick<VideosService, 'ownerCatalogue'>>;
  let likes: jest.Mocked<Pick<VideoLikesPort, 'countsFor'>>;
  let bound: Map<unknown, unknown>;
  let sut: ChannelStatsService;

  beforeEach(() => {
    follows = { followersCount: jest.fn(), profileFigures: jest.fn() };
    videos = { ownerCatalogue: jest.fn() };
    likes = { countsFor: jest.fn() };
    bound = new Map<unknown, unknown>([
      [VideosService, videos],
      [VideoLikesPort, likes],
    ]);
    const moduleRef = {
      get: jest.fn((token: unknown) => {
        if (!bound.has(token)) throw new Error('not bound');
        return bound.get(token);
      }),
    };
    sut = new ChannelStatsService(
      follows as unknown as FollowCountsService,
      moduleRef as unknown as ModuleRef,
    );
    follows.followersCount.mockResolvedValue(4);
    follows.profileFigures.mockResolvedValue({
      followersCount: 4,
      followingCount: 2,
      isFollowed: true,
    });
    videos.ownerCatalogue.mockResolvedValue({ videoIds: [V1, V2], totalViews: 30 });
    likes.countsFor.mockResolvedValue(
      new Map([
        [V1, 5],
        [V2, 2],
      ]),
    );
  });

  it('U9: published videos, their views and likes, both follow counts and the viewer’s follow', async () => {
    sut.onModuleInit();
    expect(await sut.statsFor(OWNER, VIEWER)).toEqual({
      followersCount: 4,
      followingCount: 2,
      isFollowed: true,
      videosCount: 2,
      totalViews: 30,
      totalLikes: 7,
    });
    expect(videos.ownerCatalogue).toHaveBeenCalledWith(OWNER, true);
    expect(likes.countsFor).toHaveBeenCalledWith([V1, V2]);
    expect(follows.profileFigures).toHaveBeenCalledWith(OWNER, VIEWER);
    expect(follows.followersCount).not.toHaveBeenCalled();
  });

  it('U9 passes an anonymous viewer on as nobody', async () => {
    sut.onModuleInit();
    await sut.statsFor(OWNER, null);
    expect(follows.profileFigures).toHaveBeenCalledWith(OWNER, null);
  });

  it('D1 covers every video of the owner', async () => {
    sut.onModuleInit();
    expect(await sut.channelTotals(OWNER)).toEqual({
      videosCount: 2,
      totalViews: 30,
      followersCount: 4,
      totalLikes: 7,
    });
    expect(videos.ownerCatalogue).toHaveBeenCalledWith(OWNER, false);
  });

  it('asks for no likes without videos, and counts none without a likes module', async () => {
    videos.ownerCatalogue.mockResolvedValue({ videoIds: [], totalViews: 0 });
    sut.onModuleInit();
    expect((await sut.channelTotals(OWNER)).totalLikes).toBe(0);
    expect(likes.countsFor).not.toHaveBeenCalled();

    bound.delete(VideoLikesPort);
    videos.ownerCatalogue.mockResolvedValue({ videoIds: [V1], totalViews: 1 });
    sut.onModuleInit();
    expect((await sut.channelTotals(OWNER)).totalLikes).toBe(0);
    expect(likes.countsFor).not.toHaveBeenCalled();
  });
});
