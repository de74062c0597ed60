import { EventEmitter } from 'node:events';
import type { Connection } from 'mongoose';
import { type AppConfig, loadAppConfig } from 'src/config/app-config';
import { DbCommandMetricsService } from 'src/infrastructure/metrics/db-command-metrics.service';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';
import { type MetricSample, parseMetrics, sampleValue } from 'test/utils/prometheus';

const COUNT = 'dancely_db_command_duration_seconds_count';

/** The driver's client as far as command monitoring goes: an emitter of the three events. */
class FakeClient extends EventEmitter {
  private nextId = 1;

  run(command: Record<string, unknown>, outcome: 'ok' | 'error' | 'never' = 'ok'): void {
    const commandName = Object.keys(command)[0];
    const requestId = this.nextId++;
    this.emit('commandStarted', { commandName, command, requestId });
    if (outcome === 'never') return;
    this.emit(outcome === 'ok' ? 'commandSucceeded' : 'commandFailed', {
      commandName,
      requestId,
      duration: 0,
    });
  }
}

describe('DbCommandMetricsService', () => {
  let client: FakeClient;
  let connection: EventEmitter & { models: object; getClient(): FakeClient };
  let metrics: MetricsService;
  let sut: DbCommandMetricsService;

  const samples = async (): Promise<MetricSample[]> => parseMetrics(await metrics.render());

  beforeEach(() => {
    client = new FakeClient();
    connection = Object.assign(new EventEmitter(), {
      models: {
        User: { collection: { collectionName: 'users' } },
        Video: { collection: { collectionName: 'videos' } },
      },
      getClient: () => client,
    });
    const config: AppConfig = loadAppConfig({ NODE_ENV: 'test', METRICS_ENABLED: 'true' });
    metrics = new MetricsService(config);
    sut = new DbCommandMetricsService(connection as unknown as Connection, metrics);
    sut.onApplicationBootstrap();
  });

  afterEach(() => sut.onApplicationShutdown());

  it('labels each command with the collection it names, and its outcome', async () => {
    client.run({ find: 'users', filter: {} });
    client.run({ find: 'users', filter: {} });
    client.run({ update: 'videos', updates: [] }, 'error');
    client.run({ getMore: 12345, collection: 'videos' });

    const all = await samples();
    expect(sampleValue(all, COUNT, { command: 'find', collection: 'users', outcome: 'ok' })).toBe(
      2,
    );
    expect(
      sampleValue(all, COUNT, { command: 'update', collection: 'videos', outcome: 'error' }),
    ).toBe(1);
    expect(
      sampleValue(all, COUNT, { command: 'getMore', collection: 'videos', outcome: 'ok' }),
    ).toBe(1);
  });

  it('keeps the collection label bounded: `none` without one, `other` outside the models', async () => {
    client.run({ ping: 1 });
    client.run({ aggregate: 1, pipeline: [] });
    client.run({ find: 'users-2026-12-03', filter: {} });
    client.run({ find: 'system.profile', filter: {} });

    const all = await samples();
    expect(sampleValue(all, COUNT, { command: 'ping', collection: 'none', outcome: 'ok' })).toBe(1);
    expect(
      sampleValue(all, COUNT, { command: 'aggregate', collection: 'none', outcome: 'ok' }),
    ).toBe(1);
    expect(sampleValue(all, COUNT, { command: 'find', collection: 'other', outcome: 'ok' })).toBe(
      2,
    );
  });

  it('follows a new client announced by `connected`, once, and lets go of them all at shutdown', async () => {
    const first = client;
    client = new FakeClient();
    connection.emit('connected');
    connection.emit('connected');
    client.run({ find: 'videos', filter: {} });
    first.run({ find: 'videos', filter: {} });
    expect(
      sampleValue(await samples(), COUNT, { command: 'find', collection: 'videos', outcome: 'ok' }),
    ).toBe(2);
    expect(client.listenerCount('commandStarted')).toBe(1);

    sut.onApplicationShutdown();
    expect(client.listenerCount('commandStarted')).toBe(0);
    expect(first.listenerCount('commandSucceeded')).toBe(0);
    expect(connection.listenerCount('connected')).toBe(0);
  });

  it('counts a command only once it has an outcome', async () => {
    client.run({ insert: 'users', documents: [] }, 'never');
    expect((await samples()).filter((sample) => sample.name === COUNT)).toEqual([]);
  });
});
