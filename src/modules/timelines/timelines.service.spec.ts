import { Types } from 'mongoose';
import type { AppConfig } from 'src/config/app-config';
import type { NewTimelineEntry } from 'src/modules/timelines/timeline-records.type';
import type { TimelinesRepository } from 'src/modules/timelines/timelines.repository';
import { TimelinesService } from 'src/modules/timelines/timelines.service';

const id = (): string => new Types.ObjectId().toHexString();
const VIDEO = { videoId: id(), ownerId: id(), createdAt: new Date('2026-02-03T04:05:06.007Z') };

describe('TimelinesService', () => {
  let repo: jest.Mocked<
    Pick<
      TimelinesRepository,
      | 'insertNew'
      | 'addToSizes'
      | 'findOversized'
      | 'countEntries'
      | 'trimTo'
      | 'setSize'
      | 'findPage'
      | 'deleteForOwner'
    >
  >;
  let sut: TimelinesService;

  beforeEach(() => {
    repo = {
      insertNew: jest.fn((entries: NewTimelineEntry[]) => Promise.resolve(entries)),
      addToSizes: jest.fn().mockResolvedValue(undefined),
      findOversized: jest.fn().mockResolvedValue([]),
      countEntries: jest.fn(),
      trimTo: jest.fn(),
      setSize: jest.fn().mockResolvedValue(undefined),
      findPage: jest.fn(),
      deleteForOwner: jest.fn(),
    };
    sut = new TimelinesService(
      repo as unknown as TimelinesRepository,
      {
        feed: { maxEntries: 1000, fanoutBatchSize: 1000 },
      } as AppConfig,
    );
  });

  it('fans a video out in one insert, grows the sizes of the timelines it reached, and trims none under the limit', async () => {
    const [a, b, c] = [id(), id(), id()];
    // c already had the entry (a retry, or a backfill first).
    repo.insertNew.mockImplementation((entries) =>
      Promise.resolve(entries.filter((entry) => entry.userId !== c)),
    );
    await expect(sut.addToTimelines(VIDEO, [a, b, c])).resolves.toBe(2);
    expect(repo.insertNew).toHaveBeenCalledWith(
      [a, b, c].map((userId) => ({
        userId,
        videoId: VIDEO.videoId,
        ownerId: VIDEO.ownerId,
        videoCreatedAt: VIDEO.createdAt,
      })),
    );
    expect(repo.addToSizes).toHaveBeenCalledWith(
      new Map([
        [a, 1],
        [b, 1],
      ]),
    );
    expect(repo.findOversized).toHaveBeenCalledWith([a, b], 1000);
    expect(repo.countEntries).not.toHaveBeenCalled();
  });

  it('cuts a timeline past the limit back to its newest 90 % and stores its true size', async () => {
    const user = id();
    repo.findOversized.mockResolvedValue([user]);
    repo.countEntries.mockResolvedValue(1001);
    repo.trimTo.mockResolvedValue(101);
    await sut.addToTimeline(user, [VIDEO]);
    expect(repo.trimTo).toHaveBeenCalledWith(user, 900);
    expect(repo.setSize).toHaveBeenCalledWith(user, 900);
  });

  it('only recounts a size that ran high, cutting nothing', async () => {
    const user = id();
    repo.findOversized.mockResolvedValue([user]);
    repo.countEntries.mockResolvedValue(640);
    await sut.addToTimeline(user, [VIDEO]);
    expect(repo.trimTo).not.toHaveBeenCalled();
    expect(repo.setSize).toHaveBeenCalledWith(user, 640);
  });

  it('writes nothing more when every entry existed already', async () => {
    repo.insertNew.mockResolvedValue([]);
    await expect(sut.addToTimelines(VIDEO, [id()])).resolves.toBe(0);
    expect(repo.addToSizes).not.toHaveBeenCalled();
    expect(repo.findOversized).not.toHaveBeenCalled();
  });

  it('lowers the size by what an unfollow removed', async () => {
    const [user, owner] = [id(), id()];
    repo.deleteForOwner.mockResolvedValue(3);
    await expect(sut.removeOwner(user, owner)).resolves.toBe(3);
    expect(repo.addToSizes).toHaveBeenCalledWith(new Map([[user, -3]]));
    repo.deleteForOwner.mockResolvedValue(0);
    repo.addToSizes.mockClear();
    await sut.removeOwner(user, owner);
    expect(repo.addToSizes).not.toHaveBeenCalled();
  });

  it('pages with the last entry read as the next position, only when more follow', async () => {
    const user = id();
    const record = {
      _id: new Types.ObjectId(),
      video: new Types.ObjectId(VIDEO.videoId),
      owner: new Types.ObjectId(VIDEO.ownerId),
      videoCreatedAt: VIDEO.createdAt,
    };
    repo.findPage.mockResolvedValue({ records: [record], hasMore: true });
    const after = { videoCreatedAt: new Date(), videoId: id() };
    await expect(sut.page(user, after, 1)).resolves.toEqual({
      items: [{ videoId: VIDEO.videoId, ownerId: VIDEO.ownerId, videoCreatedAt: VIDEO.createdAt }],
      next: { videoCreatedAt: VIDEO.createdAt, videoId: VIDEO.videoId },
    });
    expect(repo.findPage).toHaveBeenCalledWith(user, after, 1);
    repo.findPage.mockResolvedValue({ records: [record], hasMore: false });
    expect((await sut.page(user, null, 1)).next).toBeNull();
  });
});
