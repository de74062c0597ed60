import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import type { DomainEvent, DomainEventMap, DomainEventName } from 'src/common/events/domain-events';
import { CommentsCascadeListener } from 'src/modules/comments/comments-cascade.listener';
import type { CommentsRepository } from 'src/modules/comments/comments.repository';
import type { LikesService } from 'src/modules/likes/likes.service';

const ids = (count: number): string[] =>
  Array.from({ length: count }, () => new Types.ObjectId().toHexString());
const VIDEO = new Types.ObjectId().toHexString();
const OWNER = new Types.ObjectId().toHexString();

function event<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): DomainEvent<K> {
  return { id: 'event-1', name, payload };
}
const videoDeleted = (): DomainEvent<'video.deleted'> =>
  event('video.deleted', { videoId: VIDEO, ownerId: OWNER, deletedAt: new Date() });

describe('CommentsCascadeListener', () => {
  let repo: jest.Mocked<Pick<CommentsRepository, 'findIdsOfParent' | 'deleteByIds'>>;
  let likes: jest.Mocked<Pick<LikesService, 'removeAllOn'>>;
  let sut: CommentsCascadeListener;

  beforeEach(() => {
    repo = { findIdsOfParent: jest.fn(), deleteByIds: jest.fn() };
    likes = { removeAllOn: jest.fn().mockResolvedValue(0) };
    sut = new CommentsCascadeListener(
      repo as unknown as CommentsRepository,
      likes as unknown as LikesService,
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

    await sut.onVideoDeleted(videoDeleted());

    expect(repo.findIdsOfParent).toHaveBeenCalledWith({ kind: 'video', id: VIDEO }, 500);
    expect(likes.removeAllOn.mock.calls).toEqual([
      ['comment', full],
      ['comment', rest],
    ]);
    expect(repo.deleteByIds.mock.calls).toEqual([[full], [rest]]);
    expect(likes.removeAllOn.mock.invocationCallOrder[0]).toBeLessThan(
      repo.deleteByIds.mock.invocationCallOrder[0],
    );
  });

  it('does nothing more for a post without comments', async () => {
    repo.findIdsOfParent.mockResolvedValue([]);
    await sut.onPostDeleted(
      event('community-post.deleted', { postId: VIDEO, ownerId: OWNER, deletedAt: new Date() }),
    );
    expect(repo.findIdsOfParent).toHaveBeenCalledWith({ kind: 'communityPost', id: VIDEO }, 500);
    expect(likes.removeAllOn).not.toHaveBeenCalled();
  });

  it('keeps the batch when removing its likes failed, and logs the parent and the ids', async () => {
    const batch = ids(2);
    repo.findIdsOfParent.mockResolvedValue(batch);
    likes.removeAllOn.mockRejectedValue(new Error('likes store down'));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(sut.onVideoDeleted(videoDeleted())).resolves.toBeUndefined();

    expect(repo.deleteByIds).not.toHaveBeenCalled();
    const [message] = error.mock.calls[0] as [string];
    expect(message).toContain(VIDEO);
    expect(message).toContain(batch[0]);
  });

  it('stops when a batch was already taken by another run instead of looping', async () => {
    repo.findIdsOfParent.mockResolvedValue(ids(500));
    repo.deleteByIds.mockResolvedValue(0);
    await sut.onVideoDeleted(videoDeleted());
    expect(repo.findIdsOfParent).toHaveBeenCalledTimes(1);
  });
});
