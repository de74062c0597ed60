import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { CommonErrors } from 'src/common/errors/common.errors';
import { OBJECT_ID_CONSTRAINT } from 'src/common/validation/validation-messages.util';

/** Absent passes; anything sent, `null` included, is checked (`IsOptional` would let `null` by). */
export const WhenGiven = (): PropertyDecorator =>
  ValidateIf((_: object, value: unknown) => value !== undefined);

/** 24 hex characters, either case (docs/api.md#requests); also the OpenAPI `pattern` of ids. */
export const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';
const OBJECT_ID = new RegExp(OBJECT_ID_PATTERN);

export function isObjectIdString(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** An ObjectId in the query or body; failures become INVALID_ID. */
export function IsObjectId(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: OBJECT_ID_CONSTRAINT,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: CommonErrors.invalidId.message, ...options },
      validator: { validate: (value: unknown) => isObjectIdString(value) },
    });
  };
}

/** Byte length as UTF-8 (passwords: bcrypt reads at most 72 bytes). */
export function MaxUtf8Bytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'maxBytes',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [max],
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max,
      },
    });
  };
}

export function MinUtf8Bytes(min: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'minBytes',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [min],
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || Buffer.byteLength(value, 'utf8') >= min,
      },
    });
  };
}

/**
 * A required field: absent, null or (after trimming) empty all fail with the field's own
 * "… is required" message, reported before type or length problems.
 */
export function Required(message: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isDefined',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, always: true },
      validator: {
        validate: (value: unknown) => value !== undefined && value !== null && value !== '',
      },
    });
  };
}
