import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type MessageEvent,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import { errorTrace } from 'src/common/errors/describe-error.util';
import type { NotificationResponse } from 'src/features/notifications/dto/notification.response';
import { PubSub } from 'src/infrastructure/pubsub/pubsub.port';
import { NotificationResponsesService } from 'src/features/notifications/notification-responses.service';
import {
  NOTIFICATION_HEARTBEAT_MS,
  NOTIFICATION_REPLAY_LIMIT,
  NOTIFICATION_STREAMS_PER_USER,
} from 'src/features/notifications/notification-stream.constant';
import { NotificationsErrors } from 'src/features/notifications/notifications.errors';
import {
  type ChangedGroup,
  NotificationsService,
} from 'src/modules/notifications/notifications.service';

/** What travels on a user's channel: which item changed (nothing else: it is read anew). */
interface Signal {
  notificationId: string | null;
  removed: boolean;
}

/**
 * `GET /notifications/stream` (docs/api.md#notification-stream). Changes are announced on the
 * user's pub/sub channel (Redis when configured, so a stream on one instance hears a like
 * handled by another); each stream reads the changed item and the unread count anew and sends
 * them, in the order the signals came. An item event's id is its last action's time (ms): a
 * reconnect with `Last-Event-ID` gets the items changed since, from the database, whichever
 * instance it reaches.
 */
@Injectable()
export class NotificationStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationStreamService.name);
  private readonly open = new Map<string, number>();
  /** Every open stream, ended at shutdown so that clients reconnect to another instance at once. */
  private readonly ends = new Set<() => void>();
  /** The heartbeat period; tests shorten it. */
  heartbeatMs = NOTIFICATION_HEARTBEAT_MS;

  constructor(
    private readonly pubsub: PubSub,
    private readonly notifications: NotificationsService,
    private readonly responses: NotificationResponsesService,
  ) {}

  /** Tells the streams of each group's recipient; a failure is logged (the list stays right). */
  async announce(groups: ChangedGroup[]): Promise<void> {
    await Promise.all(
      groups.map(async (group) => {
        const signal: Signal = { notificationId: group.notificationId, removed: group.removed };
        await this.publish(group.recipientId, signal);
      }),
    );
  }

  /** An unread-count change without an item (mark read, read-all). */
  countChanged(userId: string): Promise<void> {
    return this.publish(userId, { notificationId: null, removed: false });
  }

  /** The user's stream; 429 when they hold NOTIFICATION_STREAMS_PER_USER open here already. */
  connect(userId: string, lastEventId: string | undefined): Observable<MessageEvent> {
    if ((this.open.get(userId) ?? 0) >= NOTIFICATION_STREAMS_PER_USER)
      throw NotificationsErrors.tooManyStreams();
    return new Observable<MessageEvent>((subscriber) => {
      this.open.set(userId, (this.open.get(userId) ?? 0) + 1);
      let queue = Promise.resolve();
      const send = (work: () => Promise<void>): void => {
        queue = queue.then(work).catch((error: unknown) => {
          this.logger.warn(`Notification stream of ${userId}: ${errorTrace(error)}`);
        });
      };
      const since = eventTime(lastEventId);
      // Every event carries an id (Nest would number the others 1, 2, …, which a reconnect would
      // send back as a time): an item's is its last action; the others repeat the latest time
      // this stream has covered, at first the moment it opened (or the replay's starting point).
      let covered = since?.getTime() ?? Date.now();
      const emit = (event: MessageEvent, at?: number): void => {
        if (at !== undefined) covered = Math.max(covered, at);
        subscriber.next({ ...event, id: String(at ?? covered) });
      };
      const emitItems = (items: NotificationResponse[]): void => {
        for (const item of items)
          emit({ type: 'notification', data: item }, Date.parse(item.updatedAt));
      };
      const emitCount = async (): Promise<void> => {
        emit({ type: 'unread-count', data: await this.responses.unreadCount(userId) });
      };
      if (since !== null)
        send(async () =>
          emitItems(
            await this.responses.items(
              await this.notifications.changedSince(userId, since, NOTIFICATION_REPLAY_LIMIT),
            ),
          ),
        );
      send(emitCount);
      const unsubscribe = this.pubsub.subscribe(channelOf(userId), (message) => {
        const signal = JSON.parse(message) as Signal;
        send(async () => {
          if (signal.notificationId !== null && signal.removed)
            emit({ type: 'notification-removed', data: { _id: signal.notificationId } });
          else if (signal.notificationId !== null) {
            const view = await this.notifications.item(userId, signal.notificationId);
            if (view) emitItems(await this.responses.items([view]));
          }
          await emitCount();
        });
      });
      const end = (): void => subscriber.complete();
      this.ends.add(end);
      const heartbeat = setInterval(
        () => subscriber.next({ comment: 'heartbeat' }),
        this.heartbeatMs,
      );
      return () => {
        this.ends.delete(end);
        clearInterval(heartbeat);
        unsubscribe();
        const left = (this.open.get(userId) ?? 1) - 1;
        if (left > 0) this.open.set(userId, left);
        else this.open.delete(userId);
      };
    });
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.ends]) end();
  }

  private async publish(userId: string, signal: Signal): Promise<void> {
    try {
      await this.pubsub.publish(channelOf(userId), JSON.stringify(signal));
    } catch (error) {
      this.logger.warn(
        `Announcing a notification change to ${userId} failed: ${errorTrace(error)}`,
      );
    }
  }
}

function channelOf(userId: string): string {
  return `notifications:${userId}`;
}

/** A `Last-Event-ID` this stream issued (a time in ms), or null for anything else. */
function eventTime(lastEventId: string | undefined): Date | null {
  if (lastEventId === undefined || !/^\d{1,15}$/.test(lastEventId)) return null;
  return new Date(Number(lastEventId));
}
