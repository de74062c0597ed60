import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { notAllowedMessage } from 'src/common/validation/validation-messages.util';

/**
 * For upload routes without text fields (docs/api.md#uploads: only the listed text fields are
 * accepted): any text field → 400 `<field> is not allowed`. A body DTO cannot express "no fields"
 * (class-validator rejects a class without rules), hence this parameter. Declare it before
 * `@UploadedMedia()`, so text fields are refused before missing files, in the upload check order.
 */
export const NoTextFields = createParamDecorator((_: unknown, ctx: ExecutionContext): undefined => {
  const body: unknown = ctx.switchToHttp().getRequest<Request>().body;
  const fields = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  if (fields.length > 0) {
    throw AppException.validation(
      fields.map((field) => ({
        field,
        location: 'body' as const,
        message: notAllowedMessage(field),
      })),
    );
  }
  return undefined;
});
