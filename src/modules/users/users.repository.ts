import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { User, type UserRecord } from 'src/modules/users/schemas/user.schema';

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /** Authentication: does this id name a verified account? */
  async isVerified(userId: string): Promise<boolean> {
    const found = await this.users
      .findOne({ _id: new Types.ObjectId(userId), isVerified: true })
      .select({ _id: 1 })
      .lean<Pick<UserRecord, '_id'>>()
      .exec();
    return found !== null;
  }
}
