import { CodeField, EmailField, NewPasswordField } from 'src/modules/users/user-fields.decorator';

export class ResetPasswordDto {
  @EmailField()
  email: string;

  @CodeField()
  code: string;

  @NewPasswordField('newPassword')
  newPassword: string;
}
