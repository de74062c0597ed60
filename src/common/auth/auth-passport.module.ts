import { Module } from '@nestjs/common';
import { AuthPassport } from 'src/common/auth/auth-passport.service';

/** One `AuthPassport` per application, shared by the global guard and the auth module's strategies. */
@Module({
  providers: [AuthPassport],
  exports: [AuthPassport],
})
export class AuthPassportModule {}
