import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import { Trim } from 'src/common/validation/transforms.util';

/** U1: `query` (empty lists nobody), `page`, `limit` (default 20, max 100). */
export class SearchUsersQueryDto extends PlainListQueryDto {
  @IsOptional()
  @Trim()
  @IsString({ message: 'query must be a string' })
  @MaxLength(100, { message: 'query must be at most 100 characters' })
  query?: string;
}
