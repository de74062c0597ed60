import { CodeField, EmailField } from 'src/modules/users/user-fields.decorator';

export class VerifyAccountDto {
  @EmailField()
  email: string;

  @CodeField()
  code: string;
}
