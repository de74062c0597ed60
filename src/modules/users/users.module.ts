import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailModule } from 'src/infrastructure/mail/mail.module';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';
import { LoginFailuresModule } from 'src/common/rate-limit/login-failures.module';
import { AccountMailerService } from 'src/modules/users/account-mailer.service';
import { AccountsService } from 'src/modules/users/accounts.service';
import { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import { ChannelCounterRepairService } from 'src/modules/users/channel-counter-repair.service';
import { EmailChangeService } from 'src/modules/users/email-change.service';
import { OneTimeCodesService } from 'src/modules/users/one-time-codes.service';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import { User, UserSchema } from 'src/modules/users/schemas/user.schema';
import { UsersController } from 'src/modules/users/users.controller';
import { UsersRepository } from 'src/modules/users/users.repository';
import { UsersService } from 'src/modules/users/users.service';

/**
 * Users own the account data and everything done with it: profiles and the lookups every domain
 * needs (`UsersService`, which also says whether a user is verified, the user side of a session)
 * and accounts (`AccountsService`: registration, codes, credentials) for the auth module above,
 * which adds sessions, tokens and cookies. Password hashes and codes never leave this module.
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
    CursorCodecService,
    CursorPagesService,
    UsersRepository,
    UsersService,
    ChannelCountersService,
    AccountsService,
    EmailChangeService,
    OneTimeCodesService,
    PasswordHasherService,
    AccountMailerService,
    ChannelCounterRepairService,
  ],
  exports: [UsersService, ChannelCountersService, AccountsService, ChannelCounterRepairService],
})
export class UsersModule {}
