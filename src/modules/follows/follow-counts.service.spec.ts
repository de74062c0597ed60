import { Types } from 'mongoose';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import type { FollowsRepository } from 'src/modules/follows/follows.repository';

const A = new Types.ObjectId().toHexString();
const B = new Types.ObjectId().toHexString();

describe('FollowCountsService', () => {
  let repo: jest.Mocked<Pick<FollowsRepository, 'countFor' | 'figuresFor' | 'followersLookup'>>;
  let sut: FollowCountsService;

  beforeEach(() => {
    repo = { countFor: jest.fn(), figuresFor: jest.fn(), followersLookup: jest.fn() };
    sut = new FollowCountsService(repo as unknown as FollowsRepository);
  });

  it('recounts followers in their own direction', async () => {
    repo.countFor.mockResolvedValue(3);
    expect(await sut.followersCount(A)).toBe(3);
    expect(repo.countFor.mock.calls).toEqual([['followers', A]]);
  });

  it('U9: maps the one grouped query to the three figures', async () => {
    repo.figuresFor.mockResolvedValue({ followers: 4, following: 2, followed: 1 });
    expect(await sut.profileFigures(A, B)).toEqual({
      followersCount: 4,
      followingCount: 2,
      isFollowed: true,
    });
    expect(repo.figuresFor).toHaveBeenCalledWith(A, B);

    repo.figuresFor.mockResolvedValue({ followers: 4, following: 2, followed: 0 });
    expect((await sut.profileFigures(A, null)).isFollowed).toBe(false);
  });

  it('U9: nobody follows themself, whatever the data says', async () => {
    repo.figuresFor.mockResolvedValue({ followers: 1, following: 1, followed: 1 });
    expect((await sut.profileFigures(A, A)).isFollowed).toBe(false);
  });

  it('V4: joins on the owner and reads an empty join as no followers', () => {
    const stage = { $lookup: { from: 'follows', as: 'f' } };
    repo.followersLookup.mockReturnValue(stage);
    const join = sut.ownerFiguresJoin(B, 'f');
    expect(join.stage).toBe(stage);
    expect(repo.followersLookup).toHaveBeenCalledWith('owner', B, 'f');
    expect(join.read({ f: [] })).toEqual({ followersCount: 0, isFollowed: false });
    expect(join.read({ f: [{ followers: 7, followed: 1 }] })).toEqual({
      followersCount: 7,
      isFollowed: true,
    });
  });
});
