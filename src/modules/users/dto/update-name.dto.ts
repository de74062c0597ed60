import { NameField } from 'src/modules/users/user-fields.decorator';

export class UpdateNameDto {
  @NameField()
  name: string;
}
