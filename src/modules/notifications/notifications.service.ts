import { Injectable } from '@nestjs/common';
import type { NotificationRecord } from 'src/modules/notifications/notification-records.type';
import {
  type ActorNotificationType,
  NOTIFICATION_ACTORS_SHOWN,
  NOTIFICATION_EXCERPT_LENGTH,
  NOTIFICATION_GROUP_WINDOW_MS,
  NOTIFICATION_TYPES,
  NOTIFICATION_UNREAD_COUNT_CAP,
  type NotificationType,
  type SubjectKind,
  type SystemNotificationType,
} from 'src/modules/notifications/notification-types.constant';
import {
  type GroupKey,
  NotificationsRepository,
} from 'src/modules/notifications/notifications.repository';

/** What a notification is about. */
export interface NotificationSubject {
  kind: SubjectKind;
  id: string;
  /** A video's title, or a comment's or post's text (cut to NOTIFICATION_EXCERPT_LENGTH). */
  text: string;
}

/** One action to notify: `actorId` did `type` to `subject`, which `recipientId` owns. */
export interface NotificationAction {
  recipientId: string;
  actorId: string;
  type: ActorNotificationType;
  subject: NotificationSubject;
  /** Ids whose deletion removes the notification (the subject is always one of them). */
  refs: string[];
  at: Date;
}

/**
 * Something the system tells a user about their own content (a processing run of their video
 * ended): no actor, so no self-notification rule and no grouping by actor.
 */
export interface SystemNotice {
  recipientId: string;
  type: SystemNotificationType;
  subject: NotificationSubject;
  /** Ids whose deletion removes the notification (the subject is always one of them). */
  refs: string[];
  /** The recipient's notices of these types on the same subject, now out of date, are removed. */
  supersedes: SystemNotificationType[];
  at: Date;
}

/** One notification as the store hands it out: ids as strings, the newest actors first. */
export interface NotificationView {
  id: string;
  type: NotificationType;
  subject: NotificationSubject;
  /** At most NOTIFICATION_ACTORS_SHOWN, newest first. */
  actorIds: string[];
  actorCount: number;
  read: boolean;
  createdAt: Date;
  /** The group's last action. */
  updatedAt: Date;
}

export interface NotificationPage {
  items: NotificationView[];
  /** The last item's position when another page follows. */
  next: { activityAt: Date; id: string } | null;
}

/** A group a write changed or an undo removed, and whose it is. */
export interface ChangedGroup {
  recipientId: string;
  notificationId: string;
  removed: boolean;
}

export type NotificationPreferences = Record<NotificationType, boolean>;

/**
 * The notifications store: groups of actors per (recipient, type, subject, 24-hour window), the
 * distinct actors of each group, and the users' preferences. It knows only ids and the excerpt it
 * is given; the notifications feature (src/features/notifications) decides who is told what, from
 * the other domains' events, and shows the actors.
 */
@Injectable()
export class NotificationsService {
  constructor(private readonly store: NotificationsRepository) {}

  /**
   * Records an action: joins the open group of its (recipient, type, subject) or opens one, adds
   * the actor once (a repeat counts no second time), and moves the group to the top, unread.
   * Nothing is stored for an action on one's own content or for a type the recipient turned off.
   * Returns the group's id, or null when nothing was stored.
   */
  async record(action: NotificationAction): Promise<string | null> {
    if (action.actorId === action.recipientId) return null;
    if (!(await this.isEnabled(action.recipientId, action.type))) return null;
    const key = groupKey(action);
    const since = new Date(action.at.getTime() - NOTIFICATION_GROUP_WINDOW_MS);
    const groupId =
      (await this.store.findOpenGroupId(key, since)) ??
      (await this.store.openGroup(key, action.at));
    if (groupId === null) return null;
    const added = await this.store.insertActor(groupId, key, action.actorId);
    await this.store.touchGroup(groupId, action.actorId, added, key.excerpt, action.at);
    return groupId;
  }

  /**
   * Records one action for many recipients at once (a new video for a batch of followers), one
   * group each, skipping the actor and recipients who turned the type off. Repeating it adds
   * nothing. Returns the groups stored.
   */
  async recordForMany(
    recipientIds: string[],
    action: Omit<NotificationAction, 'recipientId'> & { windowStart: Date },
  ): Promise<ChangedGroup[]> {
    const candidates = recipientIds.filter((id) => id !== action.actorId);
    const optedOut = await this.store.findOptedOut(action.type, candidates);
    const inserted = await this.store.insertWholeGroups(
      candidates
        .filter((id) => !optedOut.has(id))
        .map((recipientId) => ({
          ...groupKey({ ...action, recipientId }),
          actorId: action.actorId,
          windowStart: action.windowStart,
          at: action.at,
        })),
    );
    return inserted.map((group) => ({ ...group, removed: false }));
  }

  /**
   * Records a system notice: the recipient's one item of (type, subject), created or refreshed
   * (to the top, unread; never a second item), after removing the notices it supersedes. Nothing
   * is stored when the recipient turned the type off (the superseded ones still go: they are out
   * of date either way). Returns the groups changed: removals, then the item when stored.
   */
  async recordSystem(notice: SystemNotice): Promise<ChangedGroup[]> {
    const changed: ChangedGroup[] = (
      await this.store.deleteSystemGroups(
        notice.recipientId,
        notice.supersedes.filter((type) => type !== notice.type),
        notice.subject.id,
      )
    ).map((notificationId) => ({ recipientId: notice.recipientId, notificationId, removed: true }));
    if (!(await this.isEnabled(notice.recipientId, notice.type))) return changed;
    const notificationId = await this.store.upsertSystemGroup(
      { ...groupKey(notice), type: notice.type },
      notice.at,
    );
    if (notificationId !== null)
      changed.push({ recipientId: notice.recipientId, notificationId, removed: false });
    return changed;
  }

  /**
   * Undo: takes the actor out of their groups of `type` on `subjectId` (for one recipient when
   * given); a group left without actors is removed. Repeating it changes nothing.
   */
  async removeActor(
    type: NotificationType,
    subjectId: string,
    actorId: string,
    recipientId: string | null = null,
  ): Promise<ChangedGroup[]> {
    const rows = await this.store.findActorRows(type, subjectId, actorId, recipientId);
    const changed: ChangedGroup[] = [];
    for (const row of rows) {
      if (!(await this.store.deleteActorRow(row._id))) continue;
      const group = await this.store.dropActor(row.notification, row.actor);
      if (group === null) continue;
      const notificationId = row.notification.toHexString();
      const recipient = row.recipient.toHexString();
      if (group.actorCount <= 0) {
        await this.store.deleteEmptyGroup(row.notification);
        changed.push({ recipientId: recipient, notificationId, removed: true });
        continue;
      }
      if (group.actors.length === 0) await this.store.refillSample(row.notification);
      changed.push({ recipientId: recipient, notificationId, removed: false });
    }
    return changed;
  }

  /** Cascades: every notification pointing at one of `ids` (a deleted video, comment, post, user). */
  removeReferencing(ids: string[]): Promise<number> {
    return this.store.deleteReferencing(ids, null);
  }

  /** A video that only its owner sees now: everyone else's notifications about it. */
  removeReferencingExceptFor(id: string, keepRecipientId: string): Promise<number> {
    return this.store.deleteReferencing([id], keepRecipientId);
  }

  async page(
    recipientId: string,
    read: boolean | null,
    after: { activityAt: Date; id: string } | null,
    limit: number,
  ): Promise<NotificationPage> {
    const { records, hasMore } = await this.store.findPage(recipientId, read, after, limit);
    const last = records.at(-1);
    return {
      items: records.map(toView),
      next: hasMore && last ? { activityAt: last.activityAt, id: last._id.toHexString() } : null,
    };
  }

  /** One of the recipient's items; null when it is gone (or not theirs). */
  async item(recipientId: string, notificationId: string): Promise<NotificationView | null> {
    const record = await this.store.findItem(recipientId, notificationId);
    return record ? toView(record) : null;
  }

  /** The recipient's items changed after `since`, oldest change first, at most `limit`. */
  async changedSince(recipientId: string, since: Date, limit: number): Promise<NotificationView[]> {
    return (await this.store.findChangedSince(recipientId, since, limit)).map(toView);
  }

  unreadCount(recipientId: string): Promise<number> {
    return this.store.countUnread(recipientId, NOTIFICATION_UNREAD_COUNT_CAP);
  }

  /** False when the notification is not the recipient's (or does not exist): the same answer. */
  markRead(recipientId: string, notificationId: string): Promise<boolean> {
    return this.store.markRead(recipientId, notificationId);
  }

  markAllRead(recipientId: string): Promise<number> {
    return this.store.markAllRead(recipientId);
  }

  async preferences(userId: string): Promise<NotificationPreferences> {
    return toPreferences((await this.store.findPreferences(userId))?.inApp);
  }

  async updatePreferences(
    userId: string,
    changes: Partial<NotificationPreferences>,
  ): Promise<NotificationPreferences> {
    return toPreferences((await this.store.setPreferences(userId, changes))?.inApp);
  }

  private async isEnabled(userId: string, type: NotificationType): Promise<boolean> {
    return (await this.store.findOptedOut(type, [userId])).size === 0;
  }
}

function groupKey(
  action: Pick<NotificationAction, 'recipientId' | 'subject' | 'refs'> & { type: NotificationType },
): GroupKey {
  return {
    recipientId: action.recipientId,
    type: action.type,
    subjectKind: action.subject.kind,
    subjectId: action.subject.id,
    excerpt: excerptOf(action.subject.text),
    refs: [...new Set([action.subject.id, ...action.refs])],
  };
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= NOTIFICATION_EXCERPT_LENGTH
    ? flat
    : `${flat.slice(0, NOTIFICATION_EXCERPT_LENGTH - 1)}…`;
}

function toPreferences(stored: Record<string, boolean> | undefined): NotificationPreferences {
  return Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => [type, stored?.[type] !== false]),
  ) as NotificationPreferences;
}

function toView(record: NotificationRecord): NotificationView {
  return {
    id: record._id.toHexString(),
    type: record.type,
    subject: { kind: record.subjectKind, id: record.subject.toHexString(), text: record.excerpt },
    actorIds: record.actors
      .slice(-NOTIFICATION_ACTORS_SHOWN)
      .reverse()
      .map((actor) => actor.toHexString()),
    actorCount: record.actorCount,
    read: record.read,
    createdAt: record.createdAt,
    updatedAt: record.activityAt,
  };
}
