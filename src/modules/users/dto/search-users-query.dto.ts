import { CursorListQueryDto } from 'src/common/dto/pagination-query.dto';
import { SearchText } from 'src/common/validation/search-text.decorator';

/** `GET /user/search`: `query` (empty lists nobody), `page`, `limit` (default 20, max 100). */
export class SearchUsersQueryDto extends CursorListQueryDto {
  @SearchText('Literal, case-insensitive substring of the username or name')
  query?: string;
}
