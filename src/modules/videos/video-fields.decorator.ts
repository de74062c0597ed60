import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Required, WhenGiven } from 'src/common/validation/rules.util';
import { ToStrictBoolean, Trim, trimmedText } from 'src/common/validation/transforms.util';

/*
 * The video field rules, composed once so upload (multipart) and update (JSON)
 * give the same messages. The Swagger CLI plugin cannot see through composed decorators, hence
 * the explicit `ApiProperty` in each.
 */

const TITLE_REQUIRED = 'Title is required';
const TITLE_TOO_LONG = 'Title must be at most 100 characters';
const DESCRIPTION_TOO_LONG = 'Description must be at most 500 characters';

/** Upload: trimmed, 1–100 characters, required. */
export function TitleField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ ...trimmedText(1, 100), example: 'Salsa basics, part 1' }),
    Trim(),
    Required(TITLE_REQUIRED),
    IsString({ message: 'title must be a string' }),
    MaxLength(100, { message: TITLE_TOO_LONG }),
  );
}

/** Update: the same rule, but the field may be left out. */
export function OptionalTitleField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...trimmedText(1, 100), example: 'Salsa basics, part 1' }),
    Trim(),
    WhenGiven(),
    IsString({ message: 'title must be a string' }),
    IsNotEmpty({ message: TITLE_REQUIRED }),
    MaxLength(100, { message: TITLE_TOO_LONG }),
  );
}

/** Trimmed, 0–500 characters, optional; `""` clears it. */
export function DescriptionField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...trimmedText(0, 500), example: 'Footwork drills for beginners' }),
    Trim(),
    WhenGiven(),
    IsString({ message: 'description must be a string' }),
    MaxLength(500, { message: DESCRIPTION_TOO_LONG }),
  );
}

/** A multipart text field: exactly `true` or `false`. */
export function MultipartIsPublishedField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'string', enum: ['true', 'false'], default: 'false' }),
    ToStrictBoolean(),
    WhenGiven(),
    IsBoolean({ message: 'isPublished must be true or false' }),
  );
}

/** A JSON boolean (no coercion, docs/api.md#requests). */
export function JsonIsPublishedField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'boolean' }),
    WhenGiven(),
    IsBoolean({ message: 'isPublished must be a boolean' }),
  );
}
