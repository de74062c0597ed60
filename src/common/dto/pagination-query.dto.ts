import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { ToQueryInt } from 'src/common/validation/transforms.util';

const PAGE_MESSAGE = 'page must be an integer greater than or equal to 1';
const LIMIT_MESSAGE = 'limit must be an integer between 1 and 100';
/** Beyond any real list; keeps `skip` a small integer. */
const PAGE_MAX = 1_000_000;

/** `page` and `limit` of the paginated lists (docs/api.md#paginated-object), default limit 10. */
export class PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: PAGE_MAX,
    default: 1,
    description: 'Page number, starting at 1',
  })
  @ToQueryInt()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(PAGE_MAX, { message: PAGE_MESSAGE })
  page: number = 1;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Items per page',
  })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100, { message: LIMIT_MESSAGE })
  limit: number = 10;
}

/** Plain-array lists (docs/api.md#plain-array-lists) default to 20 items, with the same rules. */
export class PlainListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 20,
    description: 'Items per page',
  })
  override limit: number = 20;
}

/** The longest cursor the API issues, with room to spare (the codec refuses longer ones too). */
export const CURSOR_MAX_LENGTH = 512;
export const PAGE_WITH_CURSOR_MESSAGE = 'page and cursor cannot be combined';

/** The opaque `cursor` of the keyset lists (docs/api.md#cursor-pages). */
export function CursorParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        'The `nextCursor` of the previous page; absent for the first page. Opaque: an altered, forged or foreign cursor is 400 INVALID_CURSOR',
      maxLength: CURSOR_MAX_LENGTH,
    }),
    IsOptional(),
    IsString({ message: 'cursor must be a string' }),
    MaxLength(CURSOR_MAX_LENGTH, {
      message: `cursor must be at most ${CURSOR_MAX_LENGTH} characters`,
    }),
  );
}

/** A `cursor` is a position of its own: sent with a `page`, the request is ambiguous (400). */
function NotWithPage(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWithPage',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: PAGE_WITH_CURSOR_MESSAGE },
      validator: {
        validate: (_value: unknown, args: ValidationArguments): boolean =>
          (args.object as { page?: unknown }).page === undefined,
      },
    });
}

/**
 * The lists with cursor pages beside numbered ones (docs/api.md#cursor-pages): `page` or
 * `cursor` (not both) and `limit`. `page` stays undefined when absent, so the two can be told
 * apart; without either the answer is page 1.
 */
export class CursorPaginationQueryDto extends OmitType(PaginationQueryDto, ['page'] as const) {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: PAGE_MAX,
    default: 1,
    description: 'Page number, starting at 1; not with `cursor`',
  })
  @IsOptional()
  @ToQueryInt()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(PAGE_MAX, { message: PAGE_MESSAGE })
  page?: number;

  @CursorParam()
  @NotWithPage()
  cursor?: string;
}

/** The plain-array lists with cursor pages: the same, `limit` defaulting to 20. */
export class CursorListQueryDto extends CursorPaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 20,
    description: 'Items per page',
  })
  override limit: number = 20;
}
