import { CursorListQueryDto } from 'src/common/dto/pagination-query.dto';
import { SearchText } from 'src/common/validation/search-text.decorator';

/** `GET /playlist/search`: `query` (empty lists nothing), `page`, `limit` (default 20, max 100). */
export class SearchPlaylistsQueryDto extends CursorListQueryDto {
  @SearchText('Literal, case-insensitive substring of the playlist name')
  query?: string;
}
