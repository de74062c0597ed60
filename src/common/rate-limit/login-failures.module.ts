import { Module } from '@nestjs/common';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';

/**
 * The login-failure buckets as a module of their own: the auth flows (A5, A10) and the email
 * change (U3, users module) count into the same buckets, and users cannot import auth. The
 * counters come from the global `CounterStoreModule`.
 */
@Module({
  providers: [LoginFailuresService],
  exports: [LoginFailuresService],
})
export class LoginFailuresModule {}
