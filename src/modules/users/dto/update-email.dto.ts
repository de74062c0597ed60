import { CurrentPasswordField, EmailField } from 'src/modules/users/user-fields.decorator';

/** `PATCH /user/email`: the new address and the current password. */
export class UpdateEmailDto {
  @EmailField()
  email: string;

  @CurrentPasswordField('password', 'Password is required')
  password: string;
}
