import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics: CPU, memory, heap, handles, GC and the event-loop delay
 * (`nodejs_eventloop_lag_*`, from `monitorEventLoopDelay`). They describe the process, not one
 * application in it, and prom-client can never stop them again (the delay monitor and the GC
 * observer stay enabled for good), so they are collected once per process and shared by every
 * application the process creates (the e2e tests create many).
 */
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
