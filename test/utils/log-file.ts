import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type LogLine = Record<string, unknown>;

/** Every JSON line written so far to the log files of `dir` (LOG_FILES=true, LOG_DIR=dir). */
export function readLogLines(dir: string): LogLine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

/** The lines matching `predicate`, waiting (up to 3 s) for the file transport to write them. */
export async function waitForLogLines(
  dir: string,
  predicate: (line: LogLine) => boolean,
): Promise<LogLine[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const matching = readLogLines(dir).filter(predicate);
    if (matching.length > 0 || Date.now() > deadline) return matching;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
