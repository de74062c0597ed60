import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';

jest.setTimeout(60_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Dancer {
  handle: string;
  name: string;
  followers: number;
}

const dancerSchema = new Schema<Dancer>({
  handle: { type: String, required: true, unique: true },
  name: { type: String, required: true },
  followers: { type: Number, default: 0 },
});

const videoSchema = new Schema({
  title: { type: String, required: true },
  dancerHandle: { type: String, required: true },
});

describe('embedded MongoDB engine (in memory)', () => {
  let engine: EmbeddedMongo;
  let connection: Connection;

  beforeAll(async () => {
    engine = await startEmbeddedMongo();
    connection = await mongoose.createConnection(engine.uri, { dbName: 'engine_spec' }).asPromise();
    await connection.model('Dancer', dancerSchema).init();
  });

  afterAll(async () => {
    await connection?.close();
    await engine?.stop();
  });

  it('describes itself', () => {
    expect(engine.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.uri).toBe(`mongodb://127.0.0.1:${engine.port}`);
    expect(engine.engine).toMatch(/^mongo-java-server \d+\.\d+\.\d+ \(memory\)$/);
    expect(engine.dataLocation).toBe('memory');
  });

  it('reports wire version 13 and advertises sessions', async () => {
    const hello = await connection.db!.admin().command({ isMaster: 1 });
    expect(hello.maxWireVersion).toBe(13);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    const modernHello = await connection.db!.admin().command({ hello: 1 });
    expect(modernHello.isWritablePrimary).toBe(true);
    expect(modernHello.logicalSessionTimeoutMinutes).toBe(30);
  });

  it('inserts and finds documents', async () => {
    const Dancer = connection.model<Dancer>('Dancer');
    await Dancer.create([
      { handle: 'ana', name: 'Ana', followers: 3 },
      { handle: 'ben', name: 'Ben', followers: 7 },
    ]);
    const found = await Dancer.find({ followers: { $gt: 5 } }).lean();
    expect(found.map((d) => d.handle)).toEqual(['ben']);
  });

  it('rejects a duplicate on a unique index with E11000', async () => {
    const Dancer = connection.model<Dancer>('Dancer');
    await Dancer.create({ handle: 'cleo', name: 'Cleo' });
    await expect(Dancer.create({ handle: 'cleo', name: 'Other Cleo' })).rejects.toMatchObject({
      code: 11000,
    });
  });

  it('upserts with findOneAndUpdate', async () => {
    const Dancer = connection.model<Dancer>('Dancer');
    const created = await Dancer.findOneAndUpdate(
      { handle: 'dina' },
      { $set: { name: 'Dina' }, $inc: { followers: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(created).toMatchObject({ handle: 'dina', name: 'Dina', followers: 1 });
    const updated = await Dancer.findOneAndUpdate(
      { handle: 'dina' },
      { $inc: { followers: 1 } },
      { returnDocument: 'after' },
    ).lean();
    expect(updated?.followers).toBe(2);
  });

  it('supports explicit sessions (not transactions)', async () => {
    const Dancer = connection.model<Dancer>('Dancer');
    const session = await connection.startSession();
    try {
      await Dancer.create([{ handle: 'eve', name: 'Eve' }], { session });
      const found = await Dancer.findOne({ handle: 'eve' }).session(session).lean();
      expect(found?.name).toBe('Eve');
    } finally {
      await session.endSession();
    }
  });

  it('joins with $lookup', async () => {
    const Video = connection.model('Video', videoSchema);
    await Video.create([
      { title: 'Salsa basics', dancerHandle: 'ana' },
      { title: 'Bachata turns', dancerHandle: 'ana' },
    ]);
    const [row] = await connection
      .model<Dancer>('Dancer')
      .aggregate<{ handle: string; videos: { title: string }[] }>([
        { $match: { handle: 'ana' } },
        {
          $lookup: {
            from: 'videos',
            localField: 'handle',
            foreignField: 'dancerHandle',
            as: 'videos',
          },
        },
        // Keep the whole joined array: mongo-java-server mis-shapes projections into an array
        // of subdocuments ('videos.title': 1 gives { videos: { title: [..] } }).
        { $project: { _id: 0, handle: 1, videos: 1 } },
      ]);
    expect(row.handle).toBe('ana');
    expect(row.videos.map((v) => v.title).sort()).toEqual(['Bachata turns', 'Salsa basics']);
  });
});

describe('embedded MongoDB engine (H2 file)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dancely-engine-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across a restart on the same port, and stop() ends the java process', async () => {
    const dataFile = join(dir, 'nested', 'dancely.mv.db');

    const first = await startEmbeddedMongo({ dataFile });
    expect(first.engine).toMatch(/^mongo-java-server \d+\.\d+\.\d+ \(h2\)$/);
    expect(first.dataLocation).toBe(dataFile);
    // The connection stays open across the outage, as the app's would. Server selection waits
    // up to 5 s: long enough for a JVM on a loaded machine, short enough for the outage's find
    // to fail well within the test's time.
    const connection = await mongoose
      .createConnection(first.uri, { dbName: 'engine_spec', serverSelectionTimeoutMS: 5_000 })
      .asPromise();
    let second: EmbeddedMongo | undefined;
    try {
      await connection.collection('dancers').insertOne({ handle: 'faye', name: 'Faye' });
      await first.stop();
      expect(isAlive(first.pid)).toBe(false);
      expect(statSync(dataFile).size).toBeGreaterThan(0);
      await expect(connection.collection('dancers').findOne({ handle: 'faye' })).rejects.toThrow();

      // Same port straight away: what outage tests do. The driver reconnects by itself.
      second = await startEmbeddedMongo({ dataFile, port: first.port });
      expect(second.uri).toBe(first.uri);
      const found = await connection.collection('dancers').findOne({ handle: 'faye' });
      expect(found?.name).toBe('Faye');
    } finally {
      await connection.close();
      await second?.stop();
    }
    expect(isAlive(second.pid)).toBe(false);
    await expect(second.stop()).resolves.toBeUndefined();
    // Two JVM starts and a 5 s failed selection: more than the e2e default on a loaded machine.
  }, 60_000);
});
