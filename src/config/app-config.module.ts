import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, loadConfigFromProcess } from 'src/config/app-config.provider';

/** Validates the environment once, when the application is created (never at import time). */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: loadConfigFromProcess }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
