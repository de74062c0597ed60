import { UsernameField } from 'src/modules/users/user-fields.decorator';

/**
 * `GET /auth/check-username`: the shared username rule without the reserved-word check (reserved
 * names are reported as taken).
 */
export class CheckUsernameQueryDto {
  @UsernameField({ reserved: false })
  username: string;
}
