import { Types } from 'mongoose';
import { ChannelFiguresService } from 'src/features/channel/channel-figures.service';
import type { FollowStateService } from 'src/modules/follows/follow-state.service';
import type { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import type { UsersService } from 'src/modules/users/users.service';

const OWNER = new Types.ObjectId().toHexString();
const VIEWER = new Types.ObjectId().toHexString();

describe('ChannelFiguresService', () => {
  let users: jest.Mocked<Pick<UsersService, 'getProfile'>>;
  let channels: jest.Mocked<Pick<ChannelCountersService, 'figures'>>;
  let follows: jest.Mocked<Pick<FollowStateService, 'isFollowing'>>;
  let sut: ChannelFiguresService;

  beforeEach(() => {
    users = { getProfile: jest.fn() };
    channels = { figures: jest.fn() };
    follows = { isFollowing: jest.fn() };
    sut = new ChannelFiguresService(
      users as unknown as UsersService,
      channels as unknown as ChannelCountersService,
      follows as unknown as FollowStateService,
    );
  });

  it('answers the profile through the users domain, asking the follows domain whether the viewer follows', async () => {
    const profile = { username: 'ada' } as UserProfileResponse;
    users.getProfile.mockResolvedValue(profile);
    follows.isFollowing.mockResolvedValue(true);

    await expect(sut.profile('ada', VIEWER)).resolves.toBe(profile);

    expect(users.getProfile).toHaveBeenCalledWith('ada', VIEWER, expect.any(Function));
    const isFollowedBy = users.getProfile.mock.calls[0][2];
    await expect(isFollowedBy(VIEWER, OWNER)).resolves.toBe(true);
    expect(follows.isFollowing).toHaveBeenCalledWith(VIEWER, OWNER);
  });

  it('answers the dashboard from the all-videos counters, never the published ones', async () => {
    channels.figures.mockResolvedValue({
      followers: 7,
      following: 1,
      publishedVideos: 2,
      publishedViews: 30,
      publishedLikes: 4,
      videos: 3,
      views: 35,
      likes: 6,
    });
    await expect(sut.dashboard(OWNER)).resolves.toEqual({
      totalVideos: 3,
      totalViews: 35,
      totalFollowers: 7,
      totalLikes: 6,
    });
    expect(channels.figures).toHaveBeenCalledWith(OWNER);
  });
});
