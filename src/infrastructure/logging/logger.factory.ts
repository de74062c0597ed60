import { mkdirSync } from 'node:fs';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { currentRequestId } from 'src/common/http/request-context';
import type { AppConfig } from 'src/config/app-config';
import { redactField } from 'src/infrastructure/logging/redact.util';

/** Adds the request id of the request being served, and scrubs secrets from every field. */
const requestAndRedaction = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId && info.requestId === undefined) info.requestId = requestId;
  for (const key of Object.keys(info)) {
    if (key !== 'level') info[key] = redactField(key, info[key]);
  }
  return info;
});

/**
 * JSON lines to stdout and to a daily-rotated file under LOG_DIR. A command whose stdout is its
 * result (`npm run reconcile`) sends the lines to stderr instead.
 */
export function loggerOptions(
  config: AppConfig,
  options: { console: 'stdout' | 'stderr' } = { console: 'stdout' },
): winston.LoggerOptions {
  const format = winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    requestAndRedaction(),
    winston.format.json(),
  );
  const transports: winston.transport[] = [
    new winston.transports.Console(
      options.console === 'stderr'
        ? { stderrLevels: Object.keys(winston.config.npm.levels) }
        : undefined,
    ),
  ];
  if (config.log.files) {
    mkdirSync(config.log.dir, { recursive: true });
    transports.push(
      new DailyRotateFile({
        dirname: config.log.dir,
        filename: 'dancely-%DATE%.log',
        datePattern: 'YYYY-MM-DD',
        maxFiles: '14d',
        maxSize: '50m',
      }),
    );
  }
  return { level: config.log.level, format, transports };
}
