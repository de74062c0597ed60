import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type MessageEvent,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import type { NotificationResponse } from 'src/features/notifications/dto/notification.response';
import { PubSub } from 'src/infrastructure/pubsub/pubsub.port';
import { NotificationResponsesService } from 'src/features/notifications/notification-responses.service';
import {
  NOTIFICATION_HEARTBEAT_MS,
  NOTIFICATION_REPLAY_LIMIT,
  NOTIFICATION_STREAMS_PER_USER,
} from 'src/features/notifications/notification-stream.constant';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { SessionsService } from 'src/modules/auth/sessions.service';
import {
  type ChangedGroup,
  NotificationsService,
} from 'src/modules/notifications/notifications.service';

/**
 * What travels on a user's channel: which item changed (nothing else: it is read anew), that
 * only the unread count did, or that some of the user's sessions ended.
 */
type Signal =
  | { kind: 'item'; notificationId: string; removed: boolean }
  | { kind: 'count' }
  | { kind: 'sessions' };

/**
 * `GET /notifications/stream` (docs/api.md#notification-stream). Changes are announced on the
 * user's pub/sub channel (Redis when configured, so a stream on one instance hears a like
 * handled by another); each stream reads the changed item and the unread count anew and sends
 * them, in the order the signals came. An item event's id is its last action's time (ms): a
 * reconnect with `Last-Event-ID` gets the items changed since, from the database, whichever
 * instance it reaches.
 *
 * A stream lives no longer than the session that opened it: when sessions of its user end
 * (`sessions.revoked`, announced on the same channel) and at every heartbeat (which also covers
 * expiry), it checks its own session and ends if that is no longer live. A user holds at most
 * NOTIFICATION_STREAMS_PER_USER streams per instance: a new one ends the oldest.
 */
@Injectable()
export class NotificationStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationStreamService.name);
  /** Each user's open streams here, oldest first, by the function that ends one. */
  private readonly open = new Map<string, (() => void)[]>();
  /** The heartbeat period; tests shorten it. */
  heartbeatMs = NOTIFICATION_HEARTBEAT_MS;

  constructor(
    private readonly pubsub: PubSub,
    private readonly notifications: NotificationsService,
    private readonly responses: NotificationResponsesService,
    private readonly sessions: SessionsService,
  ) {}

  /** Tells the streams of each group's recipient; a failure is logged (the list stays right). */
  async announce(groups: ChangedGroup[]): Promise<void> {
    await Promise.all(
      groups.map(async (group) => {
        const { notificationId, removed } = group;
        await this.publish(group.recipientId, { kind: 'item', notificationId, removed });
      }),
    );
  }

  /** An unread-count change without an item (mark read, read-all). */
  countChanged(userId: string): Promise<void> {
    return this.publish(userId, { kind: 'count' });
  }

  /** Sessions of the user ended: each of their streams, on any instance, checks its own. */
  @OnDomainEvent('sessions.revoked')
  onSessionsRevoked({ payload }: DomainEvent<'sessions.revoked'>): Promise<void> {
    return this.publish(payload.userId, { kind: 'sessions' });
  }

  /** The caller's stream, bound to the session that opens it. */
  connect(principal: AuthPrincipal, lastEventId: string | undefined): Observable<MessageEvent> {
    const { userId, sessionId } = principal;
    return new Observable<MessageEvent>((subscriber) => {
      const end = (): void => subscriber.complete();
      this.track(userId, end);
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
      const checkSession = async (): Promise<void> => {
        if (!(await this.sessions.isLive(sessionId, userId))) end();
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
          if (signal.kind === 'sessions') return checkSession();
          if (signal.kind === 'item' && signal.removed)
            emit({ type: 'notification-removed', data: { _id: signal.notificationId } });
          else if (signal.kind === 'item') {
            const view = await this.notifications.item(userId, signal.notificationId);
            if (view) emitItems(await this.responses.items([view]));
          }
          await emitCount();
        });
      });
      const heartbeat = setInterval(() => {
        subscriber.next({ comment: 'heartbeat' });
        send(checkSession);
      }, this.heartbeatMs);
      return () => {
        clearInterval(heartbeat);
        unsubscribe();
        this.untrack(userId, end);
      };
    });
  }

  /** Every open stream here, oldest first (ended at shutdown so clients reconnect elsewhere). */
  private get ends(): (() => void)[] {
    return [...this.open.values()].flat();
  }

  /** Counts a new stream of the user, ending the oldest beyond the limit. */
  private track(userId: string, end: () => void): void {
    const streams = [...(this.open.get(userId) ?? []), end];
    this.open.set(userId, streams);
    for (const oldest of streams.slice(0, -NOTIFICATION_STREAMS_PER_USER)) oldest();
  }

  private untrack(userId: string, end: () => void): void {
    const streams = (this.open.get(userId) ?? []).filter((other) => other !== end);
    if (streams.length > 0) this.open.set(userId, streams);
    else this.open.delete(userId);
  }

  beforeApplicationShutdown(): void {
    for (const end of this.ends) end();
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
