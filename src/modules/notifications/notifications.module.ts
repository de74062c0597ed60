import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NotificationsRepository } from 'src/modules/notifications/notifications.repository';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import {
  NotificationActor,
  NotificationActorSchema,
} from 'src/modules/notifications/schemas/notification-actor.schema';
import {
  NotificationPreference,
  NotificationPreferenceSchema,
} from 'src/modules/notifications/schemas/notification-preference.schema';
import {
  Notification,
  NotificationSchema,
} from 'src/modules/notifications/schemas/notification.schema';

/**
 * The notifications store: groups, their distinct actors, preferences. It imports no other
 * domain; the notifications feature (src/features/notifications) fills it from the domain events
 * and serves the `/notifications` routes.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Notification.name, schema: NotificationSchema },
      { name: NotificationActor.name, schema: NotificationActorSchema },
      { name: NotificationPreference.name, schema: NotificationPreferenceSchema },
    ]),
  ],
  providers: [NotificationsRepository, NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
