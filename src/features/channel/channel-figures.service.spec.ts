import { Types } from 'mongoose';
import { ChannelFiguresService } from 'src/features/channel/channel-figures.service';
import type { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import type { LikesService } from 'src/modules/likes/likes.service';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import type { ProfileStats } from 'src/modules/users/profile-stats.type';
import type { UsersService } from 'src/modules/users/users.service';
import type { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

const OWNER = new Types.ObjectId().toHexString();
const VIEWER = new Types.ObjectId().toHexString();
const [V1, V2] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];

describe('ChannelFiguresService', () => {
  let users: jest.Mocked<Pick<UsersService, 'getProfile'>>;
  let follows: jest.Mocked<Pick<FollowCountsService, 'followersCount' | 'profileFigures'>>;
  let catalogue: jest.Mocked<Pick<VideoCatalogueService, 'ownerCatalogue'>>;
  let likes: jest.Mocked<Pick<LikesService, 'countsFor'>>;
  let sut: ChannelFiguresService;

  beforeEach(() => {
    users = { getProfile: jest.fn() };
    follows = { followersCount: jest.fn(), profileFigures: jest.fn() };
    catalogue = { ownerCatalogue: jest.fn() };
    likes = { countsFor: jest.fn() };
    sut = new ChannelFiguresService(
      users as unknown as UsersService,
      catalogue as unknown as VideoCatalogueService,
      likes as unknown as LikesService,
      follows as unknown as FollowCountsService,
    );
    follows.followersCount.mockResolvedValue(4);
    follows.profileFigures.mockResolvedValue({
      followersCount: 4,
      followingCount: 2,
      isFollowed: true,
    });
    catalogue.ownerCatalogue.mockResolvedValue({ videoIds: [V1, V2], totalViews: 30 });
    likes.countsFor.mockResolvedValue(
      new Map([
        [V1, 5],
        [V2, 2],
      ]),
    );
  });

  /** Runs the profile and returns the figures the users service was handed for OWNER. */
  async function profileStats(viewerId: string | null): Promise<ProfileStats> {
    let stats: ProfileStats | undefined;
    users.getProfile.mockImplementation(async (_username, _viewer, statsFor) => {
      stats = await statsFor(OWNER);
      return {} as UserProfileResponse;
    });
    await sut.profile('dancer', viewerId);
    expect(users.getProfile).toHaveBeenCalledWith('dancer', viewerId, expect.any(Function));
    if (!stats) throw new Error('the users service did not ask for figures');
    return stats;
  }

  it('profile: published videos, their views and likes, both follow counts and the viewer’s follow', async () => {
    expect(await profileStats(VIEWER)).toEqual({
      followersCount: 4,
      followingCount: 2,
      isFollowed: true,
      videosCount: 2,
      totalViews: 30,
      totalLikes: 7,
    });
    expect(catalogue.ownerCatalogue).toHaveBeenCalledWith(OWNER, true);
    expect(likes.countsFor).toHaveBeenCalledWith('video', [V1, V2]);
    expect(follows.profileFigures).toHaveBeenCalledWith(OWNER, VIEWER);
    expect(follows.followersCount).not.toHaveBeenCalled();
  });

  it('profile passes an anonymous viewer on as nobody', async () => {
    await profileStats(null);
    expect(follows.profileFigures).toHaveBeenCalledWith(OWNER, null);
  });

  it('dashboard covers every video of the owner', async () => {
    expect(await sut.dashboard(OWNER)).toEqual({
      totalVideos: 2,
      totalViews: 30,
      totalFollowers: 4,
      totalLikes: 7,
    });
    expect(catalogue.ownerCatalogue).toHaveBeenCalledWith(OWNER, false);
  });

  it('counts no likes for a channel without videos', async () => {
    catalogue.ownerCatalogue.mockResolvedValue({ videoIds: [], totalViews: 0 });
    likes.countsFor.mockResolvedValue(new Map());
    expect((await sut.dashboard(OWNER)).totalLikes).toBe(0);
  });
});
