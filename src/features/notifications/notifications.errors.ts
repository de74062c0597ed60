import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The notification endpoints' own failures. */
export const NotificationsErrors = {
  /** Missing and someone else's are the same answer: ownership is part of the query. */
  notFound: defineError(ErrorCode.NOT_FOUND, 'Notification not found'),
} as const;
