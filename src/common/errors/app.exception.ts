import { DEFAULT_MESSAGES, ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code.constant';

export type ErrorLocation = 'body' | 'query' | 'params' | 'file';

export interface FieldError {
  field: string;
  location: ErrorLocation;
  message: string;
}

export interface AppExceptionOptions {
  errors?: FieldError[];
  /** E.g. `Retry-After`. */
  headers?: Record<string, string>;
  /**
   * Input no real client sends (nesting bombs, compressed or ill-formed bodies): a 4xx like any
   * other, but logged at warn, so a probe shows up in the logs without being an error of ours.
   */
  warn?: boolean;
}

/**
 * The one exception type services throw. The global filter turns it into the one error
 * body.
 */
export class AppException extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly options: AppExceptionOptions = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code);
    this.name = 'AppException';
    this.status = ERROR_STATUS[code];
  }

  static notFound(message: string): AppException {
    return new AppException(ErrorCode.NOT_FOUND, message);
  }

  static forbidden(message: string): AppException {
    return new AppException(ErrorCode.FORBIDDEN, message);
  }

  static badRequest(message: string): AppException {
    return new AppException(ErrorCode.BAD_REQUEST, message);
  }

  static conflict(message: string): AppException {
    return new AppException(ErrorCode.CONFLICT, message);
  }

  static validation(
    errors: FieldError[],
    options: Omit<AppExceptionOptions, 'errors'> = {},
  ): AppException {
    return new AppException(ErrorCode.VALIDATION_ERROR, errors.map((e) => e.message).join(', '), {
      ...options,
      errors,
    });
  }
}
