import { Module } from '@nestjs/common';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';

/**
 * The login-failure buckets as a module of their own, beside the other rate limits: the account
 * flows of the users module (login, password reset, change-password, email change) count
 * into them. The counters come from the global `CounterStoreModule`.
 */
@Module({
  providers: [LoginFailuresService],
  exports: [LoginFailuresService],
})
export class LoginFailuresModule {}
