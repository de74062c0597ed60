import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Required, WhenGiven } from 'src/common/validation/rules.util';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

/*
 * The playlist field rules, composed once so create and update give
 * the same messages. The Swagger CLI plugin cannot see through composed decorators, hence the
 * explicit `ApiProperty` in each.
 */

const NAME_REQUIRED = 'Playlist title is required';
const NAME_TOO_LONG = 'Title must be at most 100 characters';
const DESCRIPTION_TOO_LONG = 'Description must be at most 500 characters';

const NAME_DOC = { ...trimmedText(1, 100), example: 'Bachata warm-ups' };

/** Create: trimmed, 1–100 characters, required. */
export function NameField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty(NAME_DOC),
    Trim(),
    Required(NAME_REQUIRED),
    IsString({ message: 'name must be a string' }),
    MaxLength(100, { message: NAME_TOO_LONG }),
  );
}

/** Update: the same rule, but the field may be left out. */
export function OptionalNameField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional(NAME_DOC),
    Trim(),
    WhenGiven(),
    IsString({ message: 'name must be a string' }),
    IsNotEmpty({ message: NAME_REQUIRED }),
    MaxLength(100, { message: NAME_TOO_LONG }),
  );
}

/** Trimmed, 0–500 characters, optional; `null` is rejected, `""` clears it. */
export function DescriptionField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...trimmedText(0, 500), example: 'Ten minutes before every class' }),
    Trim(),
    WhenGiven(),
    IsString({ message: 'description must be a string' }),
    MaxLength(500, { message: DESCRIPTION_TOO_LONG }),
  );
}

/** A JSON boolean, true = public (no coercion, docs/api.md#requests). */
export function IsPublishedField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'boolean', description: 'true = public' }),
    WhenGiven(),
    IsBoolean({ message: 'isPublished must be a boolean' }),
  );
}
