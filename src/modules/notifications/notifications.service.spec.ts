import { Types } from 'mongoose';
import type {
  NotificationsRepository,
  WholeGroup,
} from 'src/modules/notifications/notifications.repository';
import {
  type NotificationAction,
  NotificationsService,
  type SystemNotice,
} from 'src/modules/notifications/notifications.service';

const id = (): string => new Types.ObjectId().toHexString();
const AT = new Date('2026-12-01T10:00:00.000Z');

describe('NotificationsService', () => {
  let repo: jest.Mocked<
    Pick<
      NotificationsRepository,
      | 'findOptedOut'
      | 'findOpenGroupId'
      | 'openGroup'
      | 'insertActor'
      | 'touchGroup'
      | 'findActorRows'
      | 'deleteActorRow'
      | 'dropActor'
      | 'deleteEmptyGroup'
      | 'refillSample'
      | 'insertWholeGroups'
      | 'upsertSystemGroup'
      | 'deleteSystemGroups'
    >
  >;
  let sut: NotificationsService;
  let action: NotificationAction;

  beforeEach(() => {
    repo = {
      findOptedOut: jest.fn().mockResolvedValue(new Set()),
      findOpenGroupId: jest.fn().mockResolvedValue(null),
      openGroup: jest.fn(),
      insertActor: jest.fn().mockResolvedValue(true),
      touchGroup: jest.fn().mockResolvedValue(undefined),
      findActorRows: jest.fn(),
      deleteActorRow: jest.fn(),
      dropActor: jest.fn(),
      deleteEmptyGroup: jest.fn().mockResolvedValue(undefined),
      refillSample: jest.fn().mockResolvedValue(undefined),
      insertWholeGroups: jest.fn((groups: WholeGroup[]) =>
        Promise.resolve(
          groups.map((group) => ({ recipientId: group.recipientId, notificationId: id() })),
        ),
      ),
      upsertSystemGroup: jest.fn(),
      deleteSystemGroups: jest.fn().mockResolvedValue([]),
    };
    sut = new NotificationsService(repo as unknown as NotificationsRepository);
    action = {
      recipientId: id(),
      actorId: id(),
      type: 'video_like',
      subject: { kind: 'video', id: id(), text: `  Salsa\n\nnight ${'x'.repeat(200)}` },
      refs: [],
      at: AT,
    };
  });

  describe('record', () => {
    it('stores nothing for an action on one’s own content', async () => {
      await expect(sut.record({ ...action, actorId: action.recipientId })).resolves.toBeNull();
      expect(repo.findOptedOut).not.toHaveBeenCalled();
      expect(repo.openGroup).not.toHaveBeenCalled();
    });

    it('stores nothing for a type the recipient turned off', async () => {
      repo.findOptedOut.mockResolvedValue(new Set([action.recipientId]));
      await expect(sut.record(action)).resolves.toBeNull();
      expect(repo.findOptedOut).toHaveBeenCalledWith('video_like', [action.recipientId]);
      expect(repo.findOpenGroupId).not.toHaveBeenCalled();
    });

    it('joins the group opened in the last 24 h, counting a new actor once', async () => {
      const group = id();
      repo.findOpenGroupId.mockResolvedValue(group);
      await expect(sut.record(action)).resolves.toBe(group);
      const [key, since] = repo.findOpenGroupId.mock.calls[0];
      expect(since).toEqual(new Date('2026-11-30T10:00:00.000Z'));
      expect(key).toMatchObject({ subjectKind: 'video', refs: [action.subject.id] });
      // whitespace flattened, cut to 100 characters with an ellipsis
      expect(key.excerpt).toHaveLength(100);
      expect(key.excerpt.startsWith('Salsa night x')).toBe(true);
      expect(key.excerpt.endsWith('…')).toBe(true);
      expect(repo.openGroup).not.toHaveBeenCalled();
      expect(repo.touchGroup).toHaveBeenCalledWith(group, action.actorId, true, key.excerpt, AT);
    });

    it('opens a group when none is open; a returning actor only moves it to the top', async () => {
      const group = id();
      repo.openGroup.mockResolvedValue(group);
      repo.insertActor.mockResolvedValue(false);
      await expect(sut.record(action)).resolves.toBe(group);
      expect(repo.openGroup).toHaveBeenCalledWith(expect.anything(), AT);
      expect(repo.touchGroup).toHaveBeenCalledWith(
        group,
        action.actorId,
        false,
        expect.any(String),
        AT,
      );
    });
  });

  describe('removeActor', () => {
    const row = () => ({
      _id: new Types.ObjectId(),
      notification: new Types.ObjectId(),
      actor: new Types.ObjectId(),
      recipient: new Types.ObjectId(),
    });

    it('removes a group left without actors, refills an emptied sample, skips rows already gone', async () => {
      const [last, emptied, kept, gone] = [row(), row(), row(), row()];
      repo.findActorRows.mockResolvedValue([last, emptied, kept, gone]);
      repo.deleteActorRow.mockImplementation((rowId) => Promise.resolve(rowId !== gone._id));
      repo.dropActor
        .mockResolvedValueOnce({ actorCount: 0, actors: [] })
        .mockResolvedValueOnce({ actorCount: 4, actors: [] })
        .mockResolvedValueOnce({ actorCount: 2, actors: [new Types.ObjectId()] });
      const changed = await sut.removeActor('follow', id(), id(), id());
      expect(changed).toEqual([
        {
          recipientId: last.recipient.toHexString(),
          notificationId: last.notification.toHexString(),
          removed: true,
        },
        {
          recipientId: emptied.recipient.toHexString(),
          notificationId: emptied.notification.toHexString(),
          removed: false,
        },
        {
          recipientId: kept.recipient.toHexString(),
          notificationId: kept.notification.toHexString(),
          removed: false,
        },
      ]);
      expect(repo.dropActor).toHaveBeenCalledTimes(3);
      expect(repo.deleteEmptyGroup).toHaveBeenCalledWith(last.notification);
      expect(repo.deleteEmptyGroup).toHaveBeenCalledTimes(1);
      expect(repo.refillSample).toHaveBeenCalledWith(emptied.notification);
      expect(repo.refillSample).toHaveBeenCalledTimes(1);
    });
  });

  it('recordForMany leaves out the actor and the recipients who turned the type off', async () => {
    const [a, b, off] = [id(), id(), id()];
    repo.findOptedOut.mockResolvedValue(new Set([off]));
    const written = await sut.recordForMany([a, action.actorId, b, off], {
      ...action,
      type: 'new_video',
      windowStart: AT,
    });
    expect(written.map((group) => group.recipientId)).toEqual([a, b]);
    expect(repo.findOptedOut).toHaveBeenCalledWith('new_video', [a, b, off]);
    const groups = repo.insertWholeGroups.mock.calls[0][0];
    expect(groups.map((group) => group.recipientId)).toEqual([a, b]);
  });
  describe('recordSystem', () => {
    let notice: SystemNotice;
    beforeEach(() => {
      notice = {
        recipientId: id(),
        type: 'video_processing_failed',
        subject: { kind: 'video', id: id(), text: '  Bachata\n basics  ' },
        refs: [],
        supersedes: ['video_ready', 'video_processing_failed'],
        at: AT,
      };
    });

    it('upserts the one item of (recipient, type, subject) with no actor, after removing what it supersedes', async () => {
      const group = id();
      const stale = id();
      repo.deleteSystemGroups.mockResolvedValue([stale]);
      repo.upsertSystemGroup.mockResolvedValue(group);
      await expect(sut.recordSystem(notice)).resolves.toEqual([
        { recipientId: notice.recipientId, notificationId: stale, removed: true },
        { recipientId: notice.recipientId, notificationId: group, removed: false },
      ]);
      // its own type is never superseded: a repeat refreshes the same item
      expect(repo.deleteSystemGroups).toHaveBeenCalledWith(
        notice.recipientId,
        ['video_ready'],
        notice.subject.id,
      );
      expect(repo.upsertSystemGroup).toHaveBeenCalledWith(
        {
          recipientId: notice.recipientId,
          type: 'video_processing_failed',
          subjectKind: 'video',
          subjectId: notice.subject.id,
          excerpt: 'Bachata basics',
          refs: [notice.subject.id],
        },
        AT,
      );
      // no actor: neither the actor rows nor the actor groups are touched
      expect(repo.insertActor).not.toHaveBeenCalled();
      expect(repo.findOpenGroupId).not.toHaveBeenCalled();
      expect(repo.openGroup).not.toHaveBeenCalled();
    });

    it('stores nothing for a type turned off, but still removes the superseded items', async () => {
      const stale = id();
      repo.deleteSystemGroups.mockResolvedValue([stale]);
      repo.findOptedOut.mockResolvedValue(new Set([notice.recipientId]));
      await expect(sut.recordSystem(notice)).resolves.toEqual([
        { recipientId: notice.recipientId, notificationId: stale, removed: true },
      ]);
      expect(repo.findOptedOut).toHaveBeenCalledWith('video_processing_failed', [
        notice.recipientId,
      ]);
      expect(repo.upsertSystemGroup).not.toHaveBeenCalled();
    });
  });
});
