import { Types } from 'mongoose';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import type { FollowsRepository } from 'src/modules/follows/follows.repository';

const A = new Types.ObjectId().toHexString();
const B = new Types.ObjectId().toHexString();

describe('FollowCountsService', () => {
  let repo: jest.Mocked<Pick<FollowsRepository, 'countFor' | 'exists'>>;
  let sut: FollowCountsService;

  beforeEach(() => {
    repo = { countFor: jest.fn(), exists: jest.fn() };
    sut = new FollowCountsService(repo as unknown as FollowsRepository);
  });

  it('recounts followers and following in their own direction', async () => {
    repo.countFor.mockImplementation((direction) =>
      Promise.resolve(direction === 'followers' ? 3 : 8),
    );
    expect(await sut.followersCount(A)).toBe(3);
    expect(await sut.followingCount(A)).toBe(8);
    expect(repo.countFor.mock.calls).toEqual([
      ['followers', A],
      ['following', A],
    ]);
  });

  it('asks the relation for isFollowing, but never for oneself', async () => {
    repo.exists.mockResolvedValue(true);
    expect(await sut.isFollowing(A, B)).toBe(true);
    expect(repo.exists).toHaveBeenCalledWith(A, B);
    expect(await sut.isFollowing(A, A.toUpperCase())).toBe(false);
    expect(repo.exists).toHaveBeenCalledTimes(1);
  });
});
