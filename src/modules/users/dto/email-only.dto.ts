import { EmailField } from 'src/modules/users/user-fields.decorator';

/** Resend-verification and forgot-password: the address alone (no answer reveals an account). */
export class EmailOnlyDto {
  @EmailField()
  email: string;
}
