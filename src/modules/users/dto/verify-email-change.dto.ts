import { CodeField } from 'src/modules/users/user-fields.decorator';

/** `POST /user/email/verify`: the code sent to the new address. */
export class VerifyEmailChangeDto {
  @CodeField()
  code: string;
}
