import { Injectable } from '@nestjs/common';
import { UsersRepository } from 'src/modules/users/users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  isVerified(userId: string): Promise<boolean> {
    return this.users.isVerified(userId);
  }
}
