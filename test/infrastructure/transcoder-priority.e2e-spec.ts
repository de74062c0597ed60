import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from 'src/config/app-config';
import { Transcoder } from 'src/infrastructure/transcoder/transcoder.service';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';

/** Linux scheduling policies (sched.h), as /proc/<pid>/stat reports them. */
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

interface Scheduling {
  pid: number;
  nice: number;
  policy: number;
}

/** The running ffmpeg whose command line names `marker`, with its nice value and policy. */
async function findFfmpeg(marker: string): Promise<Scheduling | null> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (!cmdline[0]?.endsWith('ffmpeg') || !cmdline.some((arg) => arg.includes(marker))) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state is field 3, nice 19, policy 41.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { pid: Number(entry), nice: Number(fields[16]), policy: Number(fields[38]) };
    } catch {
      // The process ended while it was read.
    }
  }
  return null;
}

/**
 * Issue 16, "at lower CPU priority than request handling": the ffmpeg a run spawns really runs
 * under `nice` and, by default, in the SCHED_IDLE class — read from the kernel while it runs.
 */
describe('transcoder CPU priority', () => {
  let dir: string;
  let clip: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dancely-priority-'));
    clip = join(dir, 'clip.mp4');
    await makeMp4(clip, { seconds: 20, width: 320, height: 240 });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const observe = async (env: Record<string, string>, name: string): Promise<Scheduling> => {
    const transcoder = new Transcoder(
      loadAppConfig({ NODE_ENV: 'test', VIDEO_TRANSCODING: 'auto', ...env }, dir),
    );
    await transcoder.onModuleInit();
    expect(transcoder.status).toBe('up');
    const outputDir = join(dir, name);
    const abort = new AbortController();
    const run = transcoder
      .toHls({ input: clip, outputDir, signal: abort.signal, onProgress: () => undefined })
      .catch((error: unknown) => error);
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = await findFfmpeg(outputDir);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('ffmpeg was never seen running');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      abort.abort();
      await run;
    }
  };

  it('runs ffmpeg niced and in the SCHED_IDLE class by default', async () => {
    const seen = await observe({}, 'idle');
    expect({ nice: seen.nice, policy: seen.policy }).toEqual({ nice: 10, policy: SCHED_IDLE });
  }, 60_000);

  it('runs it niced alone with VIDEO_PROCESSING_CPU_CLASS=normal', async () => {
    const seen = await observe(
      { VIDEO_PROCESSING_CPU_CLASS: 'normal', VIDEO_PROCESSING_NICE: '7' },
      'normal',
    );
    expect({ nice: seen.nice, policy: seen.policy }).toEqual({ nice: 7, policy: SCHED_OTHER });
  }, 60_000);
});
