import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { NOTIFICATION_STREAMS_PER_USER } from 'src/features/notifications/notification-stream.constant';

/** The notification endpoints' own failures. */
export const NotificationsErrors = {
  /** Missing and someone else's are the same answer: ownership is part of the query. */
  notFound: defineError(ErrorCode.NOT_FOUND, 'Notification not found'),
  tooManyStreams: defineError(
    ErrorCode.RATE_LIMITED,
    `At most ${NOTIFICATION_STREAMS_PER_USER} notification streams can be open at once`,
  ),
} as const;
