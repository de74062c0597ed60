import { EmailField } from 'src/modules/users/user-fields.decorator';

/** A4 and A7: just the address (whether an account exists is never revealed). */
export class EmailOnlyDto {
  @EmailField()
  email: string;
}
