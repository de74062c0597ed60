import { Logger } from '@nestjs/common';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { Types } from 'mongoose';
import { CommentsCascadeListener } from 'src/modules/comments/comments-cascade.listener';
import type { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommentsDeletedEvent } from 'src/modules/comments/events/comments-deleted.event';
import { CommunityPostDeletedEvent } from 'src/modules/community-posts/events/community-post-deleted.event';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';

const ids = (count: number): string[] =>
  Array.from({ length: count }, () => new Types.ObjectId().toHexString());
const VIDEO = new Types.ObjectId().toHexString();
const OWNER = new Types.ObjectId().toHexString();

describe('CommentsCascadeListener', () => {
  let repo: jest.Mocked<Pick<CommentsRepository, 'findIdsOfParent' | 'deleteByIds'>>;
  let events: jest.Mocked<Pick<EventEmitter2, 'emitAsync'>>;
  let sut: CommentsCascadeListener;

  beforeEach(() => {
    repo = { findIdsOfParent: jest.fn(), deleteByIds: jest.fn() };
    events = { emitAsync: jest.fn().mockResolvedValue([]) };
    sut = new CommentsCascadeListener(
      repo as unknown as CommentsRepository,
      events as unknown as EventEmitter2,
    );
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("removes a video's comments batch by batch, each batch's likes before the batch itself", async () => {
    const full = ids(500);
    const rest = ids(3);
    repo.findIdsOfParent.mockResolvedValueOnce(full).mockResolvedValueOnce(rest);
    repo.deleteByIds.mockImplementation((batch) => Promise.resolve(batch.length));

    await sut.onVideoDeleted(new VideoDeletedEvent(VIDEO, OWNER, new Date()));

    expect(repo.findIdsOfParent).toHaveBeenCalledWith({ kind: 'video', id: VIDEO }, 500);
    expect(events.emitAsync.mock.calls).toEqual([
      [CommentsDeletedEvent.eventName, new CommentsDeletedEvent(full)],
      [CommentsDeletedEvent.eventName, new CommentsDeletedEvent(rest)],
    ]);
    expect(repo.deleteByIds.mock.calls).toEqual([[full], [rest]]);
    expect(events.emitAsync.mock.invocationCallOrder[0]).toBeLessThan(
      repo.deleteByIds.mock.invocationCallOrder[0],
    );
  });

  it('does nothing more for a post without comments', async () => {
    repo.findIdsOfParent.mockResolvedValue([]);
    await sut.onPostDeleted(new CommunityPostDeletedEvent(VIDEO, OWNER, new Date()));
    expect(repo.findIdsOfParent).toHaveBeenCalledWith({ kind: 'communityPost', id: VIDEO }, 500);
    expect(events.emitAsync).not.toHaveBeenCalled();
  });

  it('keeps the batch when removing its likes failed, and logs the parent and the ids', async () => {
    const batch = ids(2);
    repo.findIdsOfParent.mockResolvedValue(batch);
    events.emitAsync.mockRejectedValue(new Error('likes store down'));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(
      sut.onVideoDeleted(new VideoDeletedEvent(VIDEO, OWNER, new Date())),
    ).resolves.toBeUndefined();

    expect(repo.deleteByIds).not.toHaveBeenCalled();
    const [message] = error.mock.calls[0] as [string];
    expect(message).toContain(VIDEO);
    expect(message).toContain(batch[0]);
  });

  it('stops when a batch was already taken by another run instead of looping', async () => {
    repo.findIdsOfParent.mockResolvedValue(ids(500));
    repo.deleteByIds.mockResolvedValue(0);
    await sut.onVideoDeleted(new VideoDeletedEvent(VIDEO, OWNER, new Date()));
    expect(repo.findIdsOfParent).toHaveBeenCalledTimes(1);
  });
});
