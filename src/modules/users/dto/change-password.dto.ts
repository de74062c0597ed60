import { CurrentPasswordField, NewPasswordField } from 'src/modules/users/user-fields.decorator';

/** The new password may equal the old one. */
export class ChangePasswordDto {
  @CurrentPasswordField('oldPassword', 'Old password is required')
  oldPassword: string;

  @NewPasswordField('newPassword')
  newPassword: string;
}
