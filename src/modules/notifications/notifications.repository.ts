import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { duplicateIndexes } from 'src/common/database/bulk-write.util';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type {
  NotificationActorRecord,
  NotificationPreferenceRecord,
  NotificationRecord,
} from 'src/modules/notifications/notification-records.type';
import {
  NOTIFICATION_ACTOR_SAMPLE,
  type NotificationType,
  SYSTEM_NOTIFICATION_WINDOW_START,
  type SystemNotificationType,
  type SubjectKind,
} from 'src/modules/notifications/notification-types.constant';
import { NotificationActor } from 'src/modules/notifications/schemas/notification-actor.schema';
import { NotificationPreference } from 'src/modules/notifications/schemas/notification-preference.schema';
import { Notification } from 'src/modules/notifications/schemas/notification.schema';

/** The list's order: last action first, the id breaking ties. */
const NEWEST_FIRST = { activityAt: -1, _id: -1 } as const;
const ITEM_PROJECTION = {
  type: 1,
  subjectKind: 1,
  subject: 1,
  excerpt: 1,
  actors: 1,
  actorCount: 1,
  read: 1,
  activityAt: 1,
  createdAt: 1,
  updatedAt: 1,
} as const;

/** A group to open or join: everything but its actors. */
export interface GroupKey {
  recipientId: string;
  type: NotificationType;
  subjectKind: SubjectKind;
  subjectId: string;
  excerpt: string;
  refs: string[];
}

/** A group written whole (the new-video fan-out: one actor, no undo but the video's own removal). */
export interface WholeGroup extends GroupKey {
  actorId: string;
  windowStart: Date;
  at: Date;
}

@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectModel(Notification.name) private readonly notifications: Model<Notification>,
    @InjectModel(NotificationActor.name) private readonly actors: Model<NotificationActor>,
    @InjectModel(NotificationPreference.name)
    private readonly preferences: Model<NotificationPreference>,
  ) {}

  /** The newest group of (recipient, type, subject) opened after `since`, if any. */
  async findOpenGroupId(key: GroupKey, since: Date): Promise<string | null> {
    const found = await this.notifications
      .findOne({
        recipient: oid(key.recipientId),
        type: key.type,
        subject: oid(key.subjectId),
        windowStart: { $gt: since },
      })
      .sort({ windowStart: -1 })
      .select({ _id: 1 })
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    return found ? found._id.toHexString() : null;
  }

  /**
   * Opens a group starting at `at`, with no actor yet; a group of the same window that exists
   * already (the unique index) is returned instead. (An upsert always returns a document; the
   * null is the driver's type.)
   */
  async openGroup(key: GroupKey, at: Date): Promise<string | null> {
    const filter = {
      recipient: oid(key.recipientId),
      type: key.type,
      subject: oid(key.subjectId),
      windowStart: at,
    };
    const group = await this.notifications
      .findOneAndUpdate(
        filter,
        {
          $setOnInsert: {
            subjectKind: key.subjectKind,
            excerpt: key.excerpt,
            refs: key.refs.map(oid),
            actors: [],
            actorCount: 0,
            read: false,
            activityAt: at,
          },
        },
        { upsert: true, returnDocument: 'after', projection: { _id: 1 } },
      )
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    return group ? group._id.toHexString() : null;
  }

  /**
   * Adds `actorId` to the group's distinct actors; false when they were in it already (the unique
   * {notification, actor} refused the row).
   */
  async insertActor(groupId: string, key: GroupKey, actorId: string): Promise<boolean> {
    try {
      await this.actors.create({
        notification: oid(groupId),
        actor: oid(actorId),
        recipient: oid(key.recipientId),
        type: key.type,
        subject: oid(key.subjectId),
        refs: key.refs.map(oid),
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * A new action on the group: to the top, unread again, and when the actor is new to it, one
   * more in the count and the newest in the display sample (at most NOTIFICATION_ACTOR_SAMPLE).
   */
  async touchGroup(
    groupId: string,
    actorId: string,
    newActor: boolean,
    excerpt: string,
    at: Date,
  ): Promise<void> {
    const actor = oid(actorId);
    const set = { read: false, activityAt: at, excerpt };
    if (newActor) {
      await this.notifications
        .updateOne(
          { _id: oid(groupId) },
          {
            $set: set,
            $inc: { actorCount: 1 },
            $push: { actors: { $each: [actor], $slice: -NOTIFICATION_ACTOR_SAMPLE } },
          },
        )
        .exec();
      return;
    }
    // A returning actor (a second comment) becomes the newest in the sample again.
    await this.notifications
      .updateOne({ _id: oid(groupId) }, { $set: set, $pull: { actors: actor } })
      .exec();
    await this.notifications
      .updateOne(
        { _id: oid(groupId) },
        { $push: { actors: { $each: [actor], $slice: -NOTIFICATION_ACTOR_SAMPLE } } },
      )
      .exec();
  }

  /** The actor's rows on a subject for one type (and one recipient when given): at most a few windows. */
  findActorRows(
    type: NotificationType,
    subjectId: string,
    actorId: string,
    recipientId: string | null,
  ): Promise<NotificationActorRecord[]> {
    const filter: QueryFilter<NotificationActor> = {
      subject: oid(subjectId),
      type,
      actor: oid(actorId),
    };
    if (recipientId !== null) filter.recipient = oid(recipientId);
    return this.actors
      .find(filter)
      .select({ notification: 1, actor: 1, recipient: 1 })
      .limit(50)
      .lean<NotificationActorRecord[]>()
      .exec();
  }

  async deleteActorRow(rowId: Types.ObjectId): Promise<boolean> {
    const result = await this.actors.deleteOne({ _id: rowId }).exec();
    return result.deletedCount === 1;
  }

  /** One actor fewer; the group as it is right after (null when it is gone). */
  async dropActor(
    groupId: Types.ObjectId,
    actor: Types.ObjectId,
  ): Promise<{ actorCount: number; actors: Types.ObjectId[] } | null> {
    return this.notifications
      .findOneAndUpdate(
        { _id: groupId },
        { $inc: { actorCount: -1 }, $pull: { actors: actor } },
        { returnDocument: 'after', projection: { actorCount: 1, actors: 1 }, timestamps: false },
      )
      .lean<{ actorCount: number; actors: Types.ObjectId[] }>()
      .exec();
  }

  /** Removes a group left without actors (and any row a racing action added meanwhile). */
  async deleteEmptyGroup(groupId: Types.ObjectId): Promise<void> {
    const result = await this.notifications
      .deleteOne({ _id: groupId, actorCount: { $lte: 0 } })
      .exec();
    if (result.deletedCount === 1) await this.actors.deleteMany({ notification: groupId }).exec();
  }

  /**
   * Refills an emptied display sample from the group's remaining rows (by the unique index's
   * prefix, in no particular order: the sample only empties when every newer actor left).
   */
  async refillSample(groupId: Types.ObjectId): Promise<void> {
    const rows = await this.actors
      .find({ notification: groupId })
      .limit(NOTIFICATION_ACTOR_SAMPLE)
      .select({ actor: 1 })
      .lean<{ actor: Types.ObjectId }[]>()
      .exec();
    await this.notifications
      .updateOne(
        { _id: groupId },
        { $set: { actors: rows.map((row) => row.actor) } },
        { timestamps: false },
      )
      .exec();
  }

  /**
   * Writes whole groups in one unordered bulk insert; a group that exists already (the unique
   * index: a retried batch, a republished video) is skipped. Returns the groups inserted, with
   * their ids (chosen here, so they are known whatever the bulk write reports).
   */
  async insertWholeGroups(
    groups: WholeGroup[],
  ): Promise<{ recipientId: string; notificationId: string }[]> {
    if (groups.length === 0) return [];
    const ids = groups.map(() => new Types.ObjectId());
    const operations = groups.map((group, index) => ({
      insertOne: {
        document: {
          _id: ids[index],
          recipient: oid(group.recipientId),
          type: group.type,
          subjectKind: group.subjectKind,
          subject: oid(group.subjectId),
          excerpt: group.excerpt,
          refs: group.refs.map(oid),
          windowStart: group.windowStart,
          actors: [oid(group.actorId)],
          actorCount: 1,
          read: false,
          activityAt: group.at,
        },
      },
    }));
    let failed = new Set<number>();
    try {
      await this.notifications.bulkWrite(operations, { ordered: false });
    } catch (error) {
      const duplicates = duplicateIndexes(error);
      if (duplicates === null) throw error;
      failed = duplicates;
    }
    return groups.flatMap((group, index) =>
      failed.has(index)
        ? []
        : [{ recipientId: group.recipientId, notificationId: ids[index].toHexString() }],
    );
  }

  /**
   * A system notification (no actor): the one item of (recipient, type, subject), created or
   * refreshed in one upsert on the unique group index: to the top, unread, with the current
   * excerpt and refs. Returns its id.
   */
  async upsertSystemGroup(
    key: GroupKey & { type: SystemNotificationType },
    at: Date,
  ): Promise<string | null> {
    const group = await this.notifications
      .findOneAndUpdate(
        {
          recipient: oid(key.recipientId),
          type: key.type,
          subject: oid(key.subjectId),
          windowStart: SYSTEM_NOTIFICATION_WINDOW_START,
        },
        {
          $set: {
            subjectKind: key.subjectKind,
            excerpt: key.excerpt,
            refs: key.refs.map(oid),
            read: false,
            activityAt: at,
          },
          $setOnInsert: { actors: [], actorCount: 0 },
        },
        { upsert: true, returnDocument: 'after', projection: { _id: 1 } },
      )
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    return group ? group._id.toHexString() : null;
  }

  /** The recipient's system notifications of `types` on a subject, removed; their ids. */
  async deleteSystemGroups(
    recipientId: string,
    types: readonly SystemNotificationType[],
    subjectId: string,
  ): Promise<string[]> {
    if (types.length === 0) return [];
    const filter = {
      recipient: oid(recipientId),
      type: { $in: [...types] },
      subject: oid(subjectId),
      windowStart: SYSTEM_NOTIFICATION_WINDOW_START,
    };
    const found = await this.notifications
      .find(filter)
      .select({ _id: 1 })
      .limit(types.length)
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    if (found.length === 0) return [];
    const ids = found.map((group) => group._id);
    await this.notifications.deleteMany({ _id: { $in: ids }, ...filter }).exec();
    return ids.map((id) => id.toHexString());
  }

  /** Cascades: the groups and rows that point at any of `ids`, except those of `keepRecipientId`. */
  async deleteReferencing(ids: string[], keepRecipientId: string | null): Promise<number> {
    if (ids.length === 0) return 0;
    const refs = { $in: ids.map(oid) };
    const filter: QueryFilter<Notification> =
      keepRecipientId === null ? { refs } : { refs, recipient: { $ne: oid(keepRecipientId) } };
    const result = await this.notifications.deleteMany(filter).exec();
    await this.actors
      .deleteMany(
        keepRecipientId === null ? { refs } : { refs, recipient: { $ne: oid(keepRecipientId) } },
      )
      .exec();
    return result.deletedCount;
  }

  /** `GET /notifications`: one page of the recipient's items after `after` (keyset). */
  async findPage(
    recipientId: string,
    read: boolean | null,
    after: { activityAt: Date; id: string } | null,
    limit: number,
  ): Promise<{ records: NotificationRecord[]; hasMore: boolean }> {
    const filter: QueryFilter<Notification> = { recipient: oid(recipientId) };
    if (read !== null) filter.read = read;
    if (after !== null) {
      filter.$or = [
        { activityAt: { $lt: after.activityAt } },
        { activityAt: after.activityAt, _id: { $lt: oid(after.id) } },
      ];
    }
    const found = await this.notifications
      .find(filter)
      .select(ITEM_PROJECTION)
      .sort(NEWEST_FIRST)
      .limit(limit + 1)
      .lean<NotificationRecord[]>()
      .exec();
    return { records: found.slice(0, limit), hasMore: found.length > limit };
  }

  /** One of the recipient's items (the stream's event for a changed item). */
  findItem(recipientId: string, notificationId: string): Promise<NotificationRecord | null> {
    return this.notifications
      .findOne({ _id: oid(notificationId), recipient: oid(recipientId) })
      .select(ITEM_PROJECTION)
      .lean<NotificationRecord>()
      .exec();
  }

  /** The stream's replay: the recipient's items changed after `since`, oldest change first. */
  findChangedSince(recipientId: string, since: Date, limit: number): Promise<NotificationRecord[]> {
    return this.notifications
      .find({ recipient: oid(recipientId), activityAt: { $gt: since } })
      .select(ITEM_PROJECTION)
      .sort({ activityAt: 1, _id: 1 })
      .limit(limit)
      .lean<NotificationRecord[]>()
      .exec();
  }

  /** Exact up to `cap`; `cap` for any more (the index range read stops there). */
  countUnread(recipientId: string, cap: number): Promise<number> {
    return this.notifications
      .countDocuments({ recipient: oid(recipientId), read: false }, { limit: cap })
      .exec();
  }

  /** Marks one of the recipient's items read; false when it is not theirs or does not exist. */
  async markRead(recipientId: string, notificationId: string): Promise<boolean> {
    const result = await this.notifications
      .updateOne(
        { _id: oid(notificationId), recipient: oid(recipientId) },
        { $set: { read: true } },
        { timestamps: false },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async markAllRead(recipientId: string): Promise<number> {
    const result = await this.notifications
      .updateMany(
        { recipient: oid(recipientId), read: false },
        { $set: { read: true } },
        { timestamps: false },
      )
      .exec();
    return result.modifiedCount;
  }

  findPreferences(userId: string): Promise<NotificationPreferenceRecord | null> {
    return this.preferences
      .findOne({ _id: oid(userId) })
      .select({ inApp: 1 })
      .lean<NotificationPreferenceRecord>()
      .exec();
  }

  /** Sets the given types on or off in one upsert; returns the stored preferences after it. */
  async setPreferences(
    userId: string,
    changes: Partial<Record<NotificationType, boolean>>,
  ): Promise<NotificationPreferenceRecord | null> {
    const set: Record<string, boolean> = {};
    for (const [type, inApp] of Object.entries(changes)) set[`inApp.${type}`] = inApp;
    const update = Object.keys(set).length === 0 ? { $setOnInsert: { inApp: {} } } : { $set: set };
    return this.preferences
      .findOneAndUpdate({ _id: oid(userId) }, update, {
        upsert: true,
        returnDocument: 'after',
        projection: { inApp: 1 },
      })
      .lean<NotificationPreferenceRecord>()
      .exec();
  }

  /** Which of `userIds` turned `type` off, in one query by `_id`. */
  async findOptedOut(type: NotificationType, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const found = await this.preferences
      .find({ _id: { $in: userIds.map(oid) }, [`inApp.${type}`]: false })
      .select({ _id: 1 })
      .limit(userIds.length)
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return new Set(found.map((record) => record._id.toHexString()));
  }
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}
