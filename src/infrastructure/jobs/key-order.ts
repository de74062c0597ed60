import type { Redis } from 'ioredis';

/**
 * Per-key ordering for the Redis-backed queues (BullMQ has no job groups outside its Pro
 * edition): the jobs of one key form a chain in Redis, each one naming the job enqueued before
 * it with the same key, and a job starts only once its predecessor has finished.
 *
 * Keys, under `<prefix>:<queue>:~order:`:
 * - `last:<key>`: the newest job of the key (the tail of the chain), deleted by that job when it
 *   finishes with no successor;
 * - `job:<id>`: `<predecessor id>|<linked at, ms>`, while the job is unfinished (the predecessor
 *   id is empty for the head of a chain); its absence means "finished";
 * - `next:<id>`: the successor, so that a job that finishes can wake it at once.
 *
 * Linking happens before the job is added to BullMQ, in enqueue order (the commands of one
 * process go out on one connection in call order; Lua scripts run atomically), so the chain is
 * the enqueue order. The keys of a finished chain are removed; a long-lived Redis holds only the
 * chains of unfinished jobs.
 */

/** GET the tail, make this job the tail, record its predecessor; tell the predecessor. */
const LINK = `
local prev = redis.call('GET', KEYS[1]) or ''
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], prev .. '|' .. ARGV[2])
if prev ~= '' and redis.call('EXISTS', ARGV[3] .. 'job:' .. prev) == 1 then
  redis.call('SET', ARGV[3] .. 'next:' .. prev, ARGV[1], 'PX', ARGV[4])
end
return prev
`;

/**
 * May this job run? { 'go' } when it has no unfinished predecessor (or was never linked, or has
 * finished already: a stalled job run again); { 'wait', prev, prevLinkedAt } otherwise.
 */
const CHECK = `
local link = redis.call('GET', KEYS[1])
if not link then return { 'go', '', '0' } end
local prev = string.sub(link, 1, string.find(link, '|', 1, true) - 1)
if prev == '' then return { 'go', '', '0' } end
local prevLink = redis.call('GET', ARGV[1] .. 'job:' .. prev)
if not prevLink then return { 'go', prev, '0' } end
local at = string.sub(prevLink, string.find(prevLink, '|', 1, true) + 1)
return { 'wait', prev, at }
`;

/** Marks the job finished; drops the tail when it is the tail; returns its successor (or ''). */
const FINISH = `
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
local nxt = redis.call('GET', KEYS[3]) or ''
redis.call('DEL', KEYS[3])
return nxt
`;

/** How long a `next:` pointer lives (a successor checks its predecessor anyway). */
const NEXT_TTL_MS = 24 * 3600_000;

type OrderCommands = Redis & {
  dancelyJobLink(
    last: string,
    pending: string,
    jobId: string,
    now: number,
    base: string,
    nextTtlMs: number,
  ): Promise<string>;
  dancelyJobCheck(pending: string, base: string): Promise<[string, string, string]>;
  dancelyJobFinish(pending: string, last: string, next: string, jobId: string): Promise<string>;
};

export type TurnCheck =
  { turn: 'go' } | { turn: 'wait'; predecessor: string; predecessorLinkedAt: number };

/** The chains of one queue. */
export class KeyOrder {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    queue: string,
  ) {
    this.base = `${prefix}:${queue}:~order:`;
    defineCommands(redis);
  }

  /** Appends the job to its key's chain; resolves with its predecessor's id ('' for none). */
  link(key: string, jobId: string): Promise<string> {
    return (this.redis as OrderCommands).dancelyJobLink(
      this.lastKey(key),
      this.base + 'job:' + jobId,
      jobId,
      Date.now(),
      this.base,
      NEXT_TTL_MS,
    );
  }

  async check(jobId: string): Promise<TurnCheck> {
    const [turn, predecessor, at] = await (this.redis as OrderCommands).dancelyJobCheck(
      this.base + 'job:' + jobId,
      this.base,
    );
    if (turn === 'go') return { turn: 'go' };
    return { turn: 'wait', predecessor, predecessorLinkedAt: Number(at) };
  }

  /**
   * The job has finished (completed, or failed for good, or was never added): its successor may
   * run. Resolves with the successor's id ('' for none), to be woken.
   */
  finish(key: string, jobId: string): Promise<string> {
    return (this.redis as OrderCommands).dancelyJobFinish(
      this.base + 'job:' + jobId,
      this.lastKey(key),
      this.base + 'next:' + jobId,
      jobId,
    );
  }

  private lastKey(key: string): string {
    return this.base + 'last:' + key;
  }
}

const defined = new WeakSet<Redis>();

function defineCommands(redis: Redis): void {
  if (defined.has(redis)) return;
  defined.add(redis);
  redis.defineCommand('dancelyJobLink', { numberOfKeys: 2, lua: LINK });
  redis.defineCommand('dancelyJobCheck', { numberOfKeys: 1, lua: CHECK });
  redis.defineCommand('dancelyJobFinish', { numberOfKeys: 3, lua: FINISH });
}
