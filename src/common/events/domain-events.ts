import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { errorTrace } from 'src/common/errors/describe-error.util';

/**
 * Every domain event, by name, with its payload. Events carry facts upward: a lower domain
 * announces what happened (a video was deleted) and the domains above it that hold dependents
 * (comments, playlists) clean up their own data. A domain that can call the one it depends on
 * (videos → likes) calls it directly instead.
 */
export interface DomainEventMap {
  /** A like was stored (the likes store announces it; the target's domain counts it). */
  'like.added': {
    targetType: 'video' | 'comment' | 'communityPost';
    targetId: string;
    userId: string;
  };
  /** A like was removed by its user (not by a cascade: a deleted target needs no count). */
  'like.removed': {
    targetType: 'video' | 'comment' | 'communityPost';
    targetId: string;
    userId: string;
  };
  /**
   * A video became visible to everyone: uploaded published, or its flag flipped to published
   * (announced only by the request whose compare-and-set flipped it). `createdAt` is the video's
   * own, the key every list of videos sorts by.
   */
  'video.published': { videoId: string; ownerId: string; createdAt: Date };
  /** A published video's flag flipped back: only its owner sees it now. */
  'video.unpublished': { videoId: string; ownerId: string; createdAt: Date };
  'video.deleted': { videoId: string; ownerId: string; deletedAt: Date };
  /**
   * A processing run (a transcode on the `video-processing` queue) ended and set the video's
   * state: announced only by the run that still held the video (its `runId`), so a run that lost
   * it to a deletion or a takeover announces nothing. A video that goes `ready` without a run
   * (no transcoder, Cloudinary) announces nothing either: its MP4 was playable all along.
   */
  'video.processed': { videoId: string; ownerId: string; state: 'ready' | 'failed' };
  /** A follow relation was created (announced only by the request that stored it). */
  'follow.added': { followerId: string; followingId: string };
  /** A follow relation was removed (announced only by the request that removed it). */
  'follow.removed': { followerId: string; followingId: string };
  'community-post.deleted': { postId: string; ownerId: string; deletedAt: Date };
  /**
   * A comment or a reply was stored and its parent re-checked (announced once, by the request
   * that created it). `threadId` is a reply's top-level comment and `answeredUserId` the author it
   * answers (the top-level comment's, or the one of the reply it replies to); both null on a
   * top-level comment.
   */
  'comment.created': {
    commentId: string;
    authorId: string;
    parent: { kind: 'video' | 'communityPost'; id: string };
    threadId: string | null;
    answeredUserId: string | null;
  };
  /**
   * A comment or a reply was deleted by its author or its parent's owner (not by the cascade of
   * a deleted video or post, which announces its own event). A deleted top-level comment takes
   * its replies with it.
   */
  'comment.deleted': {
    commentId: string;
    authorId: string;
    parent: { kind: 'video' | 'communityPost'; id: string };
    threadId: string | null;
  };
  /**
   * One or more sessions of a user ended (logout, revocation from the session list, a password
   * change or reset, refresh-token reuse, the per-user limit): whatever holds a connection open
   * for one of them checks that its own is still live.
   */
  'sessions.revoked': { userId: string };
}

export type DomainEventName = keyof DomainEventMap;

/** What a listener receives: the payload and an id that every log line about it carries. */
export interface DomainEvent<K extends DomainEventName> {
  id: string;
  name: K;
  payload: DomainEventMap[K];
}

type Listener<K extends DomainEventName> = (event: DomainEvent<K>) => Promise<void>;

/**
 * Subscribes a method to one event, checked against the event map. The failure policy, the same
 * for every listener: a listener that throws is logged at error level with the event name, the
 * event id and the listener, and the failure goes no further. The publisher's action has already
 * happened and its answer stands; dependents a failed listener left behind are invisible
 * (every read goes through the parent) and are removed by the next run of the same clean-up.
 */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<Listener<K>>,
  ): void => {
    const listener = descriptor.value;
    if (!listener) throw new Error(`@OnDomainEvent('${name}') needs a method`);
    const where = `${target.constructor.name}.${String(key)}`;
    const logger = new Logger(target.constructor.name);
    descriptor.value = async function (this: unknown, event: DomainEvent<K>): Promise<void> {
      try {
        await listener.call(this, event);
      } catch (error) {
        logger.error(
          `${where} failed on ${name} event ${event.id}: ${JSON.stringify(event.payload)}`,
          errorTrace(error),
        );
      }
    };
    OnEvent(name, { async: false, suppressErrors: false })(target, key, descriptor);
  };
}

/**
 * Publishes domain events; resolves when every listener has finished (the request waits for its
 * clean-up) and never rejects: listeners declared with `@OnDomainEvent` handle their own failures,
 * and anything else that throws is logged here the same way.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);

  constructor(private readonly emitter: EventEmitter2) {}

  async publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<string> {
    const event: DomainEvent<K> = { id: randomUUID(), name, payload };
    try {
      await this.emitter.emitAsync(name, event);
    } catch (error) {
      this.logger.error(
        `A listener failed on ${name} event ${event.id}: ${JSON.stringify(payload)}`,
        errorTrace(error),
      );
    }
    return event.id;
  }
}
