import { Module } from '@nestjs/common';
import { AuthPassportService } from 'src/common/auth/auth-passport.service';

/** One `AuthPassportService` per application, shared by the global guard and the auth module's strategies. */
@Module({
  providers: [AuthPassportService],
  exports: [AuthPassportService],
})
export class AuthPassportModule {}
