import { CodeField } from 'src/modules/users/user-fields.decorator';

/** U4: the code sent to the new address. */
export class VerifyEmailChangeDto {
  @CodeField()
  code: string;
}
