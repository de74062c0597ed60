import { Inject } from '@nestjs/common';
import { type AppConfig, loadAppConfig } from 'src/config/app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the typed configuration: `constructor(@InjectConfig() config: AppConfig)`. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

export function loadConfigFromProcess(): AppConfig {
  return loadAppConfig(process.env);
}
