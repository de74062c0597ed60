import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import type { AppConfig } from 'src/config/app-config';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { AppException } from 'src/common/errors/app.exception';
import type { DomainEvents } from 'src/common/events/domain-events';
import type { FollowRecord } from 'src/modules/follows/follow-records.type';
import type { FollowsRepository } from 'src/modules/follows/follows.repository';
import { FollowsService } from 'src/modules/follows/follows.service';
import type { ListFollowsQueryDto } from 'src/modules/follows/dto/list-follows-query.dto';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import type { ChannelFigures } from 'src/modules/users/channel-counters.type';
import type { UsersService } from 'src/modules/users/users.service';

const CALLER = new Types.ObjectId().toHexString();
const TARGET = new Types.ObjectId().toHexString();

function lite(id: string): OwnerLiteResponse {
  return {
    _id: id,
    username: `u${id.slice(-4)}`,
    name: 'Name',
    profileImage: 'https://img.test/a.png',
  };
}

function relation(
  follower: string,
  following: string,
  at = new Date('2026-01-02T03:04:05.006Z'),
): FollowRecord {
  return {
    _id: new Types.ObjectId(),
    follower: new Types.ObjectId(follower),
    following: new Types.ObjectId(following),
    createdAt: at,
  };
}

function figures(followers: number, following = 0): ChannelFigures {
  return {
    followers,
    following,
    publishedVideos: 0,
    publishedViews: 0,
    publishedLikes: 0,
    videos: 0,
    views: 0,
    likes: 0,
  };
}

const QUERY = { page: 2, limit: 5, sortBy: 'createdAt', sortOrder: 'asc' } as ListFollowsQueryDto;

describe('FollowsService', () => {
  let repo: jest.Mocked<
    Pick<FollowsRepository, 'deleteRelation' | 'insertRelation' | 'findPage' | 'followedAmong'>
  >;
  let users: jest.Mocked<Pick<UsersService, 'isVerified' | 'findOwnerLites'>>;
  let counters: jest.Mocked<Pick<ChannelCountersService, 'adjustFollow' | 'figures'>>;
  let events: jest.Mocked<Pick<DomainEvents, 'publish'>>;
  let sut: FollowsService;

  beforeEach(() => {
    repo = {
      deleteRelation: jest.fn(),
      insertRelation: jest.fn(),
      findPage: jest.fn(),
      followedAmong: jest.fn(),
    };
    users = { isVerified: jest.fn(), findOwnerLites: jest.fn() };
    counters = { adjustFollow: jest.fn().mockResolvedValue(undefined), figures: jest.fn() };
    events = { publish: jest.fn().mockResolvedValue('event-id') };
    sut = new FollowsService(
      repo as unknown as FollowsRepository,
      users as unknown as UsersService,
      counters as unknown as ChannelCountersService,
      events as unknown as DomainEvents,
      new CursorPagesService(
        new CursorCodecService({ auth: { accessSecret: 'k'.repeat(40) } } as AppConfig),
      ),
    );
  });

  describe('toggle', () => {
    // Ids reach services in lower case (ObjectIdParamsInterceptor), as the caller's own id is.
    it('refuses to follow yourself before any query', async () => {
      await expect(sut.toggle(CALLER, CALLER)).rejects.toMatchObject({
        status: 400,
        message: 'You cannot follow yourself',
      });
      expect(users.isVerified).not.toHaveBeenCalled();
      expect(repo.deleteRelation).not.toHaveBeenCalled();
    });

    it('answers 404 for an invisible target and writes nothing', async () => {
      users.isVerified.mockResolvedValue(false);
      await expect(sut.toggle(CALLER, TARGET)).rejects.toMatchObject({
        status: 404,
        message: 'User not found',
      });
      expect(repo.deleteRelation).not.toHaveBeenCalled();
      expect(repo.insertRelation).not.toHaveBeenCalled();
    });

    it('unfollows when its delete removed the relation, moves both counters down and reports the stored count', async () => {
      users.isVerified.mockResolvedValue(true);
      repo.deleteRelation.mockResolvedValue(true);
      counters.figures.mockResolvedValue(figures(6));
      const result = await sut.toggle(CALLER, TARGET);
      expect(result).toEqual(
        new ApiResult('Unfollowed successfully', { isFollowed: false, followersCount: 6 }),
      );
      expect(repo.deleteRelation).toHaveBeenCalledWith(CALLER, TARGET);
      expect(repo.insertRelation).not.toHaveBeenCalled();
      expect(counters.adjustFollow).toHaveBeenCalledWith(CALLER, TARGET, -1);
      expect(counters.figures).toHaveBeenCalledWith(TARGET);
      expect(events.publish).toHaveBeenCalledTimes(1);
      expect(events.publish).toHaveBeenCalledWith('follow.removed', {
        followerId: CALLER,
        followingId: TARGET,
      });
    });

    it('follows otherwise, re-checking the target after creating', async () => {
      users.isVerified.mockResolvedValue(true);
      repo.deleteRelation.mockResolvedValue(false);
      repo.insertRelation.mockResolvedValue(true);
      counters.figures.mockResolvedValue(figures(1));
      const result = await sut.toggle(CALLER, TARGET);
      expect(result).toEqual(
        new ApiResult('Followed successfully', { isFollowed: true, followersCount: 1 }),
      );
      expect(users.isVerified).toHaveBeenCalledTimes(2);
      expect(counters.adjustFollow).toHaveBeenCalledWith(CALLER, TARGET, 1);
      expect(events.publish).toHaveBeenCalledTimes(1);
      expect(events.publish).toHaveBeenCalledWith('follow.added', {
        followerId: CALLER,
        followingId: TARGET,
      });
    });

    it('counts a create that lost the race to a concurrent create as followed', async () => {
      users.isVerified.mockResolvedValue(true);
      repo.deleteRelation.mockResolvedValue(false);
      repo.insertRelation.mockResolvedValue(false);
      counters.figures.mockResolvedValue(figures(1));
      const result = await sut.toggle(CALLER, TARGET);
      expect(result.message).toBe('Followed successfully');
      expect(result.data.isFollowed).toBe(true);
      // The relation is the concurrent request's: only that request counts and announces it.
      expect(counters.adjustFollow).not.toHaveBeenCalled();
      expect(events.publish).not.toHaveBeenCalled();
    });

    it('removes the new relation and answers 404 when the target vanished meanwhile', async () => {
      users.isVerified.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      repo.deleteRelation.mockResolvedValue(false);
      repo.insertRelation.mockResolvedValue(true);
      await expect(sut.toggle(CALLER, TARGET)).rejects.toBeInstanceOf(AppException);
      expect(repo.deleteRelation).toHaveBeenCalledTimes(2);
      expect(counters.adjustFollow).toHaveBeenCalledWith(CALLER, TARGET, 1);
      expect(counters.figures).not.toHaveBeenCalled();
      // A relation that never stood is announced neither way.
      expect(events.publish).not.toHaveBeenCalled();
    });
  });

  describe('setFollowing (PUT and DELETE /follower/:userId)', () => {
    it('refuses the caller themself on both, before any query', async () => {
      for (const following of [true, false]) {
        await expect(sut.setFollowing(CALLER, CALLER, following)).rejects.toMatchObject({
          status: 400,
          message: 'You cannot follow yourself',
        });
      }
      expect(users.isVerified).not.toHaveBeenCalled();
    });

    it('answers 404 for an invisible target on both and writes nothing', async () => {
      users.isVerified.mockResolvedValue(false);
      for (const following of [true, false]) {
        await expect(sut.setFollowing(CALLER, TARGET, following)).rejects.toMatchObject({
          status: 404,
        });
      }
      expect(repo.deleteRelation).not.toHaveBeenCalled();
      expect(repo.insertRelation).not.toHaveBeenCalled();
    });

    it('PUT creates without deleting first and counts only a relation it created', async () => {
      users.isVerified.mockResolvedValue(true);
      repo.insertRelation.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      counters.figures.mockResolvedValue(figures(1));
      const first = await sut.setFollowing(CALLER, TARGET, true);
      const again = await sut.setFollowing(CALLER, TARGET, true);
      for (const result of [first, again]) {
        expect(result).toEqual({ following: true, followersCount: 1 });
      }
      expect(repo.deleteRelation).not.toHaveBeenCalled();
      expect(counters.adjustFollow).toHaveBeenCalledTimes(1);
      expect(counters.adjustFollow).toHaveBeenCalledWith(CALLER, TARGET, 1);
    });

    it('DELETE removes without creating and counts only a relation it removed', async () => {
      users.isVerified.mockResolvedValue(true);
      repo.deleteRelation.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      counters.figures.mockResolvedValue(figures(0));
      const first = await sut.setFollowing(CALLER, TARGET, false);
      const again = await sut.setFollowing(CALLER, TARGET, false);
      for (const result of [first, again]) {
        expect(result).toEqual({ following: false, followersCount: 0 });
      }
      expect(repo.insertRelation).not.toHaveBeenCalled();
      expect(counters.adjustFollow).toHaveBeenCalledTimes(1);
      expect(counters.adjustFollow).toHaveBeenCalledWith(CALLER, TARGET, -1);
    });

    it('PUT undoes its relation and answers 404 when the target vanished meanwhile', async () => {
      users.isVerified.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      repo.insertRelation.mockResolvedValue(true);
      repo.deleteRelation.mockResolvedValue(true);
      await expect(sut.setFollowing(CALLER, TARGET, true)).rejects.toMatchObject({ status: 404 });
      expect(counters.adjustFollow.mock.calls).toEqual([
        [CALLER, TARGET, 1],
        [CALLER, TARGET, -1],
      ]);
    });
  });

  describe('listFollowers / listFollowing', () => {
    it('checks the listed user and loads the people in one users query, and the caller’s follows in one more', async () => {
      const [a, b] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];
      const rows = [relation(a, TARGET), relation(b, TARGET)];
      repo.findPage.mockResolvedValue(rows);
      counters.figures.mockResolvedValue(figures(7));
      users.findOwnerLites.mockResolvedValue(new Map([TARGET, a, b].map((id) => [id, lite(id)])));
      repo.followedAmong.mockResolvedValue(new Set([b]));

      const page = await sut.listFollowers(TARGET, QUERY, CALLER);

      expect(repo.findPage).toHaveBeenCalledWith('followers', TARGET, 'asc', {
        after: null,
        skip: 5,
        take: 6,
      });
      expect(users.findOwnerLites).toHaveBeenCalledWith([TARGET, a, b]);
      expect(repo.followedAmong).toHaveBeenCalledWith(CALLER, [a, b]);
      expect(page).toMatchObject({ totalDocs: 7, page: 2, limit: 5 });
      expect(page.docs).toEqual([
        {
          _id: rows[0]._id.toHexString(),
          userId: a,
          username: lite(a).username,
          name: 'Name',
          profileImage: lite(a).profileImage,
          createdAt: '2026-01-02T03:04:05.006Z',
          isFollowed: false,
        },
        {
          _id: rows[1]._id.toHexString(),
          userId: b,
          username: lite(b).username,
          name: 'Name',
          profileImage: lite(b).profileImage,
          createdAt: '2026-01-02T03:04:05.006Z',
          isFollowed: true,
        },
      ]);
    });

    it('lists the followed people and never asks about follows for anonymous callers', async () => {
      const a = new Types.ObjectId().toHexString();
      repo.findPage.mockResolvedValue([relation(TARGET, a)]);
      counters.figures.mockResolvedValue(figures(1));
      users.findOwnerLites.mockResolvedValue(new Map([TARGET, a].map((id) => [id, lite(id)])));

      const page = await sut.listFollowing(TARGET, QUERY, null);

      expect(repo.findPage).toHaveBeenCalledWith('following', TARGET, 'asc', {
        after: null,
        skip: 5,
        take: 6,
      });
      expect(page.docs.map((item) => [item.userId, item.isFollowed])).toEqual([[a, false]]);
      expect(repo.followedAmong).not.toHaveBeenCalled();
    });

    it('answers 404 when the listed user is not visible', async () => {
      repo.findPage.mockResolvedValue([]);
      counters.figures.mockResolvedValue(figures(0));
      users.findOwnerLites.mockResolvedValue(new Map());
      await expect(sut.listFollowers(TARGET, QUERY, null)).rejects.toMatchObject({
        status: 404,
        message: 'User not found',
      });
    });

    it('leaves out a relation whose person is not visible', async () => {
      const [a, hidden] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];
      repo.findPage.mockResolvedValue([relation(hidden, TARGET), relation(a, TARGET)]);
      counters.figures.mockResolvedValue(figures(2));
      users.findOwnerLites.mockResolvedValue(new Map([TARGET, a].map((id) => [id, lite(id)])));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const page = await sut.listFollowers(TARGET, QUERY, null);
      expect(page.docs.map((item) => item.userId)).toEqual([a]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(hidden));
      warn.mockRestore();
    });
  });
});
