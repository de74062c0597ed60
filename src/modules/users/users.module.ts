import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailModule } from 'src/infrastructure/mail/mail.module';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';
import { LoginFailuresModule } from 'src/common/rate-limit/login-failures.module';
import { AccountMailer } from 'src/modules/users/account-mailer.service';
import { AccountsService } from 'src/modules/users/accounts.service';
import { EmailChangeService } from 'src/modules/users/email-change.service';
import { OneTimeCodes } from 'src/modules/users/one-time-codes.service';
import { PasswordHasher } from 'src/modules/users/password-hasher.service';
import { User, UserSchema } from 'src/modules/users/schemas/user.schema';
import { UsersController } from 'src/modules/users/users.controller';
import { UsersRepository } from 'src/modules/users/users.repository';
import { UsersService } from 'src/modules/users/users.service';

/**
 * Users own the account data. Besides `UsersService` (what every domain needs), the building
 * blocks of the auth flows are exported for the auth module, which sits above this one.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: User.name, schema: UserSchema }]),
    MailModule,
    MediaStorageModule,
    LoginFailuresModule,
  ],
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UsersService,
    AccountsService,
    EmailChangeService,
    OneTimeCodes,
    PasswordHasher,
    AccountMailer,
  ],
  exports: [UsersService, AccountsService, OneTimeCodes, PasswordHasher, AccountMailer],
})
export class UsersModule {}
