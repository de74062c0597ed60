import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import { Trim } from 'src/common/validation/transforms.util';

/** PL1: `query` (empty lists nothing), `page`, `limit` (default 20, max 100). */
export class SearchPlaylistsQueryDto extends PlainListQueryDto {
  /** Literal, case-insensitive substring of the playlist name. */
  @ApiPropertyOptional({ maxLength: 100 })
  @Trim()
  @IsOptional()
  @IsString({ message: 'query must be a string' })
  @MaxLength(100, { message: 'query must be at most 100 characters' })
  query?: string;
}
