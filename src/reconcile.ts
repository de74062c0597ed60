import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { runReconcileCommand } from 'src/features/counters/reconcile.command';

/**
 * `npm run reconcile` (`node dist/reconcile.js` in the image): repairs every maintained counter
 * once and prints the report as JSON on stdout; logs go to stderr. Exit 0 on success, 1 on any
 * failure. Loads `.env` like `main.ts`.
 */
async function reconcile(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const report = await runReconcileCommand(process.env);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

reconcile().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `Counters reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
