import { Module } from '@nestjs/common';
import { WinstonModule } from 'nest-winston';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { loggerOptions } from 'src/infrastructure/logging/logger.factory';

@Module({
  imports: [
    WinstonModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loggerOptions(config),
    }),
  ],
})
export class LoggingModule {}
