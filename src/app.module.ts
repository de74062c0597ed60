import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthPassportModule } from 'src/common/auth/auth-passport.module';
import { DomainEventsModule } from 'src/common/events/domain-events.module';
import { AllExceptionsFilter } from 'src/common/filters/all-exceptions.filter';
import { AuthGuard } from 'src/common/guards/auth.guard';
import { IdempotencyModule } from 'src/common/idempotency/idempotency.module';
import { EnvelopeInterceptor } from 'src/common/interceptors/envelope.interceptor';
import { JsonBodyInterceptor } from 'src/common/interceptors/json-body.interceptor';
import { ObjectIdParamsInterceptor } from 'src/common/interceptors/object-id-params.interceptor';
import { RequestValidationPipe } from 'src/common/pipes/request-validation.pipe';
import { RateLimitGuard } from 'src/common/rate-limit/rate-limit.guard';
import { RateLimitModule } from 'src/common/rate-limit/rate-limit.module';
import { AppConfigModule } from 'src/config/app-config.module';
import { CounterStoreModule } from 'src/infrastructure/counters/counter-store.module';
import { DatabaseModule } from 'src/infrastructure/database/database.module';
import { LoggingModule } from 'src/infrastructure/logging/logging.module';
import { MailModule } from 'src/infrastructure/mail/mail.module';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';
import { MetricsModule } from 'src/infrastructure/metrics/metrics.module';
import { ChannelModule } from 'src/features/channel/channel.module';
import { CountersModule } from 'src/features/counters/counters.module';
import { EngagementModule } from 'src/features/engagement/engagement.module';
import { FeedModule } from 'src/features/feed/feed.module';
import { NotificationsFeatureModule } from 'src/features/notifications/notifications.module';
import { JobsModule } from 'src/infrastructure/jobs/jobs.module';
import { PubSubModule } from 'src/infrastructure/pubsub/pubsub.module';
import { AuthModule } from 'src/modules/auth/auth.module';
import { CommentsModule } from 'src/modules/comments/comments.module';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { HealthModule } from 'src/modules/health/health.module';
import { LikesModule } from 'src/modules/likes/likes.module';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { PlaylistsModule } from 'src/modules/playlists/playlists.module';
import { ResumableUploadsModule } from 'src/modules/resumable-uploads/resumable-uploads.module';
import { TimelinesModule } from 'src/modules/timelines/timelines.module';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';
import { WatchHistoryModule } from 'src/modules/watch-history/watch-history.module';

/**
 * The request pipeline, in order: request id → route → rate limit (guard) → authentication
 * (guard) → JSON body (interceptor) → validation (pipe) → handler → envelope (interceptor);
 * any failure → the exception filter.
 */
@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    DatabaseModule,
    MetricsModule,
    // Job queues for work off the request path (BullMQ with Redis, else in-process), reporting to the metrics.
    JobsModule,
    CounterStoreModule,
    // Pub/sub between instances (Redis with THROTTLE_REDIS_URL): the notification streams.
    PubSubModule,
    RateLimitModule,
    HealthModule,
    MediaStorageModule,
    MailModule,
    // This application's passport: the global AuthGuard runs the auth module's strategies on it.
    AuthPassportModule,
    // Typed domain events (src/common/events) for cascades to the domains above the publisher.
    DomainEventsModule,
    // The Idempotency-Key store behind @Idempotent() routes (docs/api.md#idempotency-key).
    IdempotencyModule,
    // Intervals of scheduled jobs (the counters reconcile job), cleared at shutdown.
    // Domains, lowest first (each imports only the ones listed before it); route order does
    // not depend on this list: literal segments win over parameters by specificity.
    UsersModule,
    AuthModule,
    LikesModule,
    FollowsModule,
    WatchHistoryModule,
    ResumableUploadsModule,
    VideosModule,
    CommunityPostsModule,
    CommentsModule,
    PlaylistsModule,
    TimelinesModule,
    NotificationsModule,
    // Features: what combines several domains.
    ChannelModule,
    EngagementModule,
    CountersModule,
    FeedModule,
    NotificationsFeatureModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: ObjectIdParamsInterceptor },
    { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
    { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
