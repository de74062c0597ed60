import {
  EmailField,
  NameField,
  NewPasswordField,
  UsernameField,
} from 'src/modules/users/user-fields.decorator';

export class RegisterDto {
  @NameField()
  name: string;

  @EmailField()
  email: string;

  @UsernameField()
  username: string;

  @NewPasswordField('password')
  password: string;
}
