import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

/**
 * The `query` of `GET /video`, `GET /user/search` and `GET /playlist/search`: trimmed, 0–100
 * characters, matched literally.
 */
export function SearchText(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...trimmedText(0, 100), description }),
    Trim(),
    IsOptional(),
    IsString({ message: 'query must be a string' }),
    MaxLength(100, { message: 'query must be at most 100 characters' }),
  );
}
