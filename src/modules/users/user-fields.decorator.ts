import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  IsDefined,
  IsEmail,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { MaxUtf8Bytes, MinUtf8Bytes } from 'src/common/validation/rules.util';
import {
  Trim,
  TrimLowercase,
  TRIMMED_TEXT_EXTENSION,
  TRIM_SPACE,
  trimmedText,
} from 'src/common/validation/transforms.util';
import { RESERVED_USERNAMES } from 'src/modules/users/users.constant';

/*
 * The shared field rules (docs/api.md#field-rules), composed once so every DTO that takes one of
 * these fields (register, login, email change, …) gives exactly the same messages. The Swagger CLI
 * plugin cannot see through composed decorators, hence the explicit `ApiProperty` in each. Which
 * message wins when several rules fail is decided by the validation pipe's priority (missing,
 * type, empty, length, then the rest), not by decorator order.
 */

function IsNotReservedUsername(options: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotReservedUsername',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !RESERVED_USERNAMES.has(value),
      },
    });
  };
}

function HasLetterAndDigit(options: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'hasLetterAndDigit',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || (/\p{L}/u.test(value) && /[0-9]/.test(value)),
      },
    });
  };
}

/** Trimmed and lowercased before the rule, so either case and surrounding white space pass. */
const USERNAME_DOC = {
  [TRIMMED_TEXT_EXTENSION]: true,
  pattern: `^${TRIM_SPACE}*[A-Za-z0-9_]{3,30}${TRIM_SPACE}*$`,
  example: 'ada_lovelace',
};

/**
 * Trimmed, lowercased, 3–30 of `a–z 0–9 _`; `reserved: false` for `GET /auth/check-username`, which
 * reports reserved names as taken.
 */
export function UsernameField(options: { reserved?: boolean } = {}): PropertyDecorator {
  const rules = [
    ApiProperty(USERNAME_DOC),
    TrimLowercase(),
    IsDefined({ message: 'Username is required' }),
    IsString({ message: 'username must be a string' }),
    IsNotEmpty({ message: 'Username is required' }),
    MinLength(3, { message: 'Username must be at least 3 characters' }),
    MaxLength(30, { message: 'Username must be at most 30 characters' }),
    Matches(/^[a-z0-9_]*$/, {
      message: 'Username can only contain letters, numbers, and underscores',
    }),
  ];
  if (options.reserved !== false)
    rules.push(IsNotReservedUsername({ message: 'This username is reserved' }));
  return applyDecorators(...rules);
}

/** Trimmed, lowercased, a valid address of at most 254 characters. */
export function EmailField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' }),
    TrimLowercase(),
    IsDefined({ message: 'Email is required' }),
    IsString({ message: 'email must be a string' }),
    IsNotEmpty({ message: 'Email is required' }),
    MaxLength(254, { message: 'Invalid email format' }),
    IsEmail({}, { message: 'Invalid email format' }),
  );
}

/** Trimmed, 1–50 characters. */
export function NameField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ ...trimmedText(1, 50), example: 'Ada Lovelace' }),
    Trim(),
    IsDefined({ message: 'Name is required' }),
    IsString({ message: 'name must be a string' }),
    IsNotEmpty({ message: 'Name is required' }),
    MaxLength(50, { message: 'Name must be at most 50 characters' }),
  );
}

/**
 * A password being set: not trimmed, 8–72 bytes of UTF-8 (bcrypt ignores everything after 72 bytes,
 * so longer ones are refused rather than silently truncated), a letter and a digit. The messages
 * always say `Password`, whatever the property is called (`newPassword` on reset and change).
 */
export function NewPasswordField(property: string): PropertyDecorator {
  return applyDecorators(
    // The document can state the rule exactly for ASCII only: JSON Schema counts characters where
    // the rule counts bytes (no password over 72 characters passes), and OpenAPI 3.0 patterns have
    // no Unicode letter class, so the pattern names the ASCII letters.
    ApiProperty({
      minLength: 8,
      maxLength: 72,
      pattern: '^(?=[\\s\\S]*[A-Za-z])(?=[\\s\\S]*[0-9])',
      description: '8–72 bytes as UTF-8, at least one letter (any script) and one digit',
      example: 'correct horse 42',
    }),
    IsDefined({ message: 'Password is required' }),
    IsString({ message: `${property} must be a string` }),
    MinUtf8Bytes(8, { message: 'Password must be at least 8 characters' }),
    MaxUtf8Bytes(72, { message: 'Password must be at most 72 bytes' }),
    HasLetterAndDigit({ message: 'Password must contain at least one letter and one number' }),
  );
}

/** A password being checked (login, change-password, change-email): 1–1024 characters, not trimmed. */
export function CurrentPasswordField(property: string, requiredMessage: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 1024, example: 'correct horse 42' }),
    IsDefined({ message: requiredMessage }),
    IsString({ message: `${property} must be a string` }),
    MinLength(1, { message: requiredMessage }),
    MaxLength(1024, { message: `${property} must be at most 1024 characters` }),
  );
}

/** A one-time code: a JSON string of exactly 6 ASCII digits; every failure has the one message. */
export function CodeField(): PropertyDecorator {
  const message = 'Verification code must be 6 digits';
  return applyDecorators(
    ApiProperty({ pattern: '^[0-9]{6}$', example: '042917' }),
    IsDefined({ message }),
    IsString({ message }),
    Matches(/^[0-9]{6}$/, { message }),
  );
}
