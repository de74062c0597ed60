import { Module } from '@nestjs/common';
import { LoginFailures } from 'src/modules/auth/login-failures.service';

/**
 * The login-failure buckets as a module of their own: the auth flows (A5, A10) and the email
 * change (U3, users module) count into the same buckets, and users cannot import auth. The
 * counters come from the global `CounterStoreModule`.
 */
@Module({
  providers: [LoginFailures],
  exports: [LoginFailures],
})
export class LoginFailuresModule {}
