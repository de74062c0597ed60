import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';

export type NodeEnv = 'development' | 'production' | 'test';

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/**
 * The validated, typed configuration. Built once at start-up from the environment by
 * `loadAppConfig`; nothing else in the code base reads `process.env`.
 */
export interface AppConfig {
  nodeEnv: NodeEnv;
  /** True only when NODE_ENV is explicitly `development` (stack traces in error bodies). */
  exposeStack: boolean;
  isProduction: boolean;
  port: number;
  baseUrl: string;
  docsEnabled: boolean;
  database: {
    /** Null means: start the embedded engine. */
    uri: string | null;
    operationTimeoutMs: number;
    minPoolSize: number | undefined;
    maxPoolSize: number | undefined;
    /**
     * Driver command monitoring: feeds the database histogram of the metrics, and the round-trip
     * counting of tests and benchmarks. On by default wherever metrics are.
     */
    monitorCommands: boolean;
    /** Where the embedded engine keeps its data; null = memory. */
    embeddedDataFile: string | null;
  };
  cors: { origins: string[] };
  cookies: { domain: string | undefined; secure: boolean };
  trustProxy: number;
  /**
   * After SIGTERM: how long readiness answers 503 while new requests are still served, so a load
   * balancer stops routing here before the listener closes. 0 = close at once.
   */
  shutdownDelayMs: number;
  auth: {
    accessSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    refreshReuseGraceSeconds: number;
    maxSessionsPerUser: number;
    bcryptRounds: number;
    /** Hashing threads (bcrypt runs below the event loop's priority); the rest wait their turn. */
    bcryptConcurrency: number;
    codeSecret: string;
    codeTtlMinutes: number;
    codeMaxAttempts: number;
    codeResendCooldownSeconds: number;
    pendingUsernameHoldHours: number;
  };
  views: { dedupWindowHours: number; hashSalt: string };
  historyMaxEntries: number;
  playlistMaxVideos: number;
  /** The following feed (docs/api.md#feed). */
  feed: {
    /** Entries kept per user's timeline; past it, a timeline is cut back to its newest 90 %. */
    maxEntries: number;
    /** Followers a fan-out job writes at once (one query and one bulk insert per batch). */
    fanoutBatchSize: number;
  };
  rateLimits: {
    global: RateLimitRule;
    loginFailures: RateLimitRule;
    loginFailuresAccount: RateLimitRule;
    login: RateLimitRule;
    register: RateLimitRule;
    codeCheck: RateLimitRule;
    emailSend: RateLimitRule;
  };
  throttleRedisUrl: string | undefined;
  /**
   * Background jobs (docs/architecture.md, "Background jobs"): with THROTTLE_REDIS_URL they are
   * BullMQ queues in that Redis under this key prefix; without it, in-process queues.
   */
  jobs: { prefix: string };
  media: {
    storage: 'local' | 'cloudinary';
    localDir: string;
    publicBaseUrl: string;
    uploadTmpDir: string;
    /** Uploads one user may have in progress at once, over every upload route (429 beyond). */
    uploadMaxConcurrentPerUser: number;
    /** An upload body that sends nothing for this long is cut with 408. */
    uploadIdleTimeoutSeconds: number;
    /** tus resumable uploads, `/api/v1/uploads` (docs/api.md#resumable-uploads). */
    resumable: {
      /** Where the parts are kept (survives restarts; N instances need it on a shared volume). */
      dir: string;
      /** An upload not consumed by `POST /video` within this many hours is removed. */
      expiryHours: number;
      /** Unfinished uploads one user may hold at once (429 beyond). */
      maxUnfinishedPerUser: number;
      /** Bytes one user may declare in uploads created over the last 24 hours (413 beyond). */
      dailyBytesPerUser: number;
      /** Minutes between two scheduled clean-ups of expired uploads; 0 = none. */
      cleanupIntervalMinutes: number;
    };
    /** Processing after upload: HLS renditions by the system ffmpeg (docs/architecture.md). */
    processing: {
      /** `auto`: transcode when ffmpeg/ffprobe answer at boot; `off`: MP4 only. */
      transcoding: 'auto' | 'off';
      /** The binaries, by name on PATH or by absolute path. */
      ffmpegPath: string;
      ffprobePath: string;
      /** Transcodes run at the same time in this process. */
      concurrency: number;
      /** `nice` value ffmpeg runs at (0 = same priority as the API). */
      niceness: number;
      /**
       * `idle`: ffmpeg also runs in the Linux SCHED_IDLE class (through `chrt`), so it only gets
       * CPU time the API leaves; `normal`: `nice` alone. Falls back to `normal` without `chrt`.
       */
      cpuClass: 'idle' | 'normal';
      /**
       * A running transcode renews its lease this often × 3; a lease not renewed for this many
       * seconds means its process is gone, and another instance takes the video over.
       */
      leaseSeconds: number;
      /**
       * Whether this process picks up, once the database is up, the processing a stopped process
       * left unfinished. Serving instances do; one-off commands (`npm run reconcile`) do not.
       */
      resumeAtBoot: boolean;
    };
    cloudinary: {
      cloudName: string;
      apiKey: string;
      apiSecret: string;
      /** Test and self-hosted override of the API origin (SDK `upload_prefix`). */
      uploadPrefix: string | undefined;
      /** Streaming profile of the eager HLS derivative (`hd`: up to 720p). */
      streamingProfile: string;
      /**
       * Public URL of `POST /api/v1/webhooks/cloudinary` on this API, given to Cloudinary as the
       * eager notification URL; unset: completion is found by polling alone.
       */
      notificationUrl: string | undefined;
      /** Seconds between two polls of a pending HLS derivative; 0 = no polling timer. */
      hlsPollSeconds: number;
      /** A derivative not ready this many minutes after the request fails the processing. */
      hlsTimeoutMinutes: number;
    };
  };
  mail: {
    transport: 'outbox' | 'resend';
    outboxDir: string;
    resendApiKey: string;
    /** Test override of the Resend API origin. */
    resendBaseUrl: string | undefined;
    from: string;
  };
  log: { level: string; dir: string; files: boolean };
  /** The counters reconcile job (src/features/counters). */
  counters: {
    /** Minutes between two scheduled runs in this process; 0 = no scheduled run. */
    reconcileIntervalMinutes: number;
    /** Documents per batch: each batch is one read, one grouped recount per figure and the fixes. */
    reconcileBatchSize: number;
  };
  /** Prometheus metrics, `GET /metrics`. */
  metrics: {
    enabled: boolean;
    /** Null: served on the main port; otherwise only on this port, by a server of its own. */
    port: number | null;
  };
}

/**
 * Defaults that clients read in messages (`Playlist cannot contain more than 500 videos`): the
 * OpenAPI document quotes those messages with these values.
 */
export const PLAYLIST_MAX_VIDEOS_DEFAULT = 500;
export const UPLOAD_IDLE_TIMEOUT_SECONDS_DEFAULT = 30;
export const RESUMABLE_UPLOAD_MAX_UNFINISHED_DEFAULT = 5;
export const RESUMABLE_UPLOAD_DAILY_BYTES_DEFAULT = 2 * 1024 ** 3;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

const PLACEHOLDER = /^(change-?me|changeme|secret|your[_-].*|xxx+|todo|placeholder|example.*)$/i;
const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Reads and validates every variable of the README's "Configuration" table; throws one error naming
 * every bad variable.
 */
export function loadAppConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const int = (
    name: string,
    fallback: number,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
  ): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return Number(value);
  };
  const optionalInt = (name: string, min: number): number | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    return int(name, min, min);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    problems.push(`${name} must be true or false`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  };
  /** Seconds; accepts plain seconds or a duration like `15m` / `30d` (legacy aliases). */
  const duration = (names: string[], fallback: number): number => {
    for (const name of names) {
      const value = raw(name);
      if (value === undefined) continue;
      const match = DURATION.exec(value);
      if (!match) {
        problems.push(`${name} must be a number of seconds or a duration such as 15m or 30d`);
        return fallback;
      }
      const seconds = Math.floor(Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']);
      if (seconds < 1) {
        problems.push(`${name} must be at least one second`);
        return fallback;
      }
      return seconds;
    }
    return fallback;
  };
  const path = (name: string, fallback: string): string => {
    const value = raw(name) ?? fallback;
    return isAbsolute(value) ? value : resolve(cwd, value);
  };
  const url = (name: string, fallback: string): string => {
    const value = raw(name) ?? fallback;
    try {
      const parsed = new URL(value);
      if (!/^https?:$/.test(parsed.protocol)) throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be an http(s) URL`);
      return fallback;
    }
  };

  const nodeEnvRaw = raw('NODE_ENV');
  let nodeEnv: NodeEnv = 'development';
  if (nodeEnvRaw !== undefined) {
    if (nodeEnvRaw === 'development' || nodeEnvRaw === 'production' || nodeEnvRaw === 'test') {
      nodeEnv = nodeEnvRaw;
    } else {
      problems.push('NODE_ENV must be one of development, production, test');
    }
  }
  const isProduction = nodeEnv === 'production';

  /** Production refuses missing, short or placeholder secrets; elsewhere a random one is generated per process. */
  const secret = (names: string[], minLength: number, requiredInProduction: boolean): string => {
    const name = names.find((candidate) => raw(candidate) !== undefined);
    const value = name ? raw(name) : undefined;
    if (value !== undefined && name !== undefined) {
      if (PLACEHOLDER.test(value) || (isProduction && value.length < minLength)) {
        problems.push(`${name} must be a real secret of at least ${minLength} characters`);
      } else if (value.length < minLength) {
        problems.push(`${name} must be at least ${minLength} characters`);
      }
      return value;
    }
    if (isProduction && requiredInProduction)
      problems.push(`${names[0]} is required in production`);
    return randomBytes(32).toString('base64url');
  };

  const port = int('PORT', 8000, 0, 65535);
  const localBase = `http://localhost:${port}`;

  const mongoUri = raw('MONGODB_URI');
  if (mongoUri !== undefined && !/^mongodb(\+srv)?:\/\/[^\s]+$/.test(mongoUri)) {
    problems.push('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
  }
  if (isProduction && mongoUri === undefined)
    problems.push('MONGODB_URI is required in production');

  const corsDefault = isProduction ? '' : 'http://localhost:3000';
  const origins = (raw('CORS_ORIGIN') ?? corsDefault)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    try {
      const parsed = new URL(origin);
      if (parsed.origin !== origin) throw new Error('not an origin');
    } catch {
      problems.push(`CORS_ORIGIN contains an invalid origin: ${origin}`);
    }
  }

  const rule = (name: string, limit: number, windowSeconds: number): RateLimitRule => ({
    limit: int(`RATE_LIMIT_${name}`, limit, 1),
    windowSeconds: int(`RATE_LIMIT_${name}_WINDOW_SECONDS`, windowSeconds, 1),
  });

  const storage = oneOf(
    'MEDIA_STORAGE',
    ['local', 'cloudinary'] as const,
    isProduction ? 'cloudinary' : 'local',
  );
  const cloudinary = {
    cloudName: raw('CLOUDINARY_CLOUD_NAME') ?? '',
    apiKey: raw('CLOUDINARY_API_KEY') ?? '',
    apiSecret: raw('CLOUDINARY_API_SECRET') ?? '',
    uploadPrefix: raw('CLOUDINARY_UPLOAD_PREFIX'),
    streamingProfile: raw('CLOUDINARY_STREAMING_PROFILE') ?? 'hd',
    notificationUrl:
      raw('CLOUDINARY_NOTIFICATION_URL') === undefined
        ? undefined
        : url('CLOUDINARY_NOTIFICATION_URL', ''),
    hlsPollSeconds: int('CLOUDINARY_HLS_POLL_SECONDS', nodeEnv === 'test' ? 0 : 30, 0, 3600),
    hlsTimeoutMinutes: int('CLOUDINARY_HLS_TIMEOUT_MINUTES', 120, 1, 24 * 60),
  };
  if (!/^[a-z0-9_]{1,64}$/.test(cloudinary.streamingProfile))
    problems.push('CLOUDINARY_STREAMING_PROFILE must be a streaming profile name (a-z, 0-9, _)');
  if (storage === 'cloudinary') {
    for (const [name, value] of [
      ['CLOUDINARY_CLOUD_NAME', cloudinary.cloudName],
      ['CLOUDINARY_API_KEY', cloudinary.apiKey],
      ['CLOUDINARY_API_SECRET', cloudinary.apiSecret],
    ] as const) {
      if (!value || PLACEHOLDER.test(value))
        problems.push(`${name} is required when MEDIA_STORAGE=cloudinary`);
    }
  }

  const transport = oneOf(
    'MAIL_TRANSPORT',
    ['outbox', 'resend'] as const,
    isProduction ? 'resend' : 'outbox',
  );
  const resendApiKey = raw('RESEND_API_KEY') ?? '';
  if (transport === 'resend' && (!resendApiKey || PLACEHOLDER.test(resendApiKey))) {
    problems.push('RESEND_API_KEY is required when MAIL_TRANSPORT=resend');
  }

  // Off in production unless asked for: on the main port, /metrics would be public behind the
  // load balancer. Giving it a port of its own is asking for it.
  const metricsPort = raw('METRICS_PORT') === undefined ? null : int('METRICS_PORT', 0, 1, 65535);
  if (metricsPort !== null && metricsPort === port)
    problems.push('METRICS_PORT must differ from PORT');
  const metricsEnabled = bool('METRICS_ENABLED', !isProduction || metricsPort !== null);

  const config: AppConfig = {
    nodeEnv,
    exposeStack: nodeEnvRaw === 'development',
    isProduction,
    port,
    baseUrl: url('BASE_URL', localBase),
    docsEnabled: bool('DOCS_ENABLED', true),
    database: {
      uri: mongoUri ?? null,
      operationTimeoutMs: int('DB_OPERATION_TIMEOUT_MS', 5000, 100, 600000),
      minPoolSize: optionalInt('DB_MIN_POOL_SIZE', 0),
      maxPoolSize: optionalInt('DB_MAX_POOL_SIZE', 1),
      monitorCommands: bool('DB_MONITOR_COMMANDS', metricsEnabled),
      embeddedDataFile: nodeEnv === 'test' ? null : path('EMBEDDED_DB_FILE', 'var/db/dancely.mv'),
    },
    cors: { origins },
    cookies: { domain: raw('COOKIE_DOMAIN'), secure: bool('COOKIE_SECURE', isProduction) },
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    shutdownDelayMs: int('SHUTDOWN_DELAY_MS', 0, 0, 60_000),
    auth: {
      accessSecret: secret(['JWT_ACCESS_SECRET'], 32, true),
      accessTtlSeconds: duration(['ACCESS_TOKEN_TTL', 'JWT_ACCESS_EXPIRY'], 900),
      refreshTtlSeconds: duration(['REFRESH_TOKEN_TTL', 'JWT_REFRESH_EXPIRY'], 30 * 86400),
      refreshReuseGraceSeconds: int('REFRESH_REUSE_GRACE_SECONDS', 10, 0, 300),
      maxSessionsPerUser: int('MAX_SESSIONS_PER_USER', 20, 1, 1000),
      bcryptRounds: int('BCRYPT_ROUNDS', 12, 4, 15),
      // One thread per core: they run at a lower priority, so they only take what is left.
      bcryptConcurrency: int('BCRYPT_CONCURRENCY', availableParallelism(), 1, 64),
      codeSecret: secret(['CODE_HASH_SECRET', 'JWT_REFRESH_SECRET'], 32, true),
      codeTtlMinutes: int('CODE_TTL_MINUTES', 15, 1, 1440),
      codeMaxAttempts: int('CODE_MAX_ATTEMPTS', 5, 1, 100),
      codeResendCooldownSeconds: int('CODE_RESEND_COOLDOWN_SECONDS', 60, 0, 3600),
      pendingUsernameHoldHours: int('PENDING_USERNAME_HOLD_HOURS', 24, 0, 8760),
    },
    views: {
      dedupWindowHours: int('VIEW_DEDUP_WINDOW_HOURS', 6, 0, 8760),
      hashSalt: secret(['VIEW_HASH_SALT'], 16, true),
    },
    historyMaxEntries: int('HISTORY_MAX_ENTRIES', 200, 1, 10000),
    playlistMaxVideos: int('PLAYLIST_MAX_VIDEOS', PLAYLIST_MAX_VIDEOS_DEFAULT, 1, 10000),
    feed: {
      maxEntries: int('FEED_MAX_ENTRIES', 1000, 2, 100000),
      fanoutBatchSize: int('FEED_FANOUT_BATCH_SIZE', 1000, 1, 10000),
    },
    rateLimits: {
      global: rule('GLOBAL', 1000, 900),
      loginFailures: rule('LOGIN_FAILURES', 10, 900),
      loginFailuresAccount: rule('LOGIN_FAILURES_ACCOUNT', 100, 86400),
      login: rule('LOGIN', 100, 900),
      register: rule('REGISTER', 10, 3600),
      codeCheck: rule('CODE_CHECK', 20, 900),
      emailSend: rule('EMAIL_SEND', 5, 900),
    },
    throttleRedisUrl: raw('THROTTLE_REDIS_URL'),
    jobs: { prefix: raw('JOBS_PREFIX') ?? 'dancely:jobs' },
    media: {
      storage,
      localDir: path('MEDIA_LOCAL_DIR', 'var/media'),
      publicBaseUrl: url('MEDIA_PUBLIC_BASE_URL', localBase),
      uploadTmpDir: path('UPLOAD_TMP_DIR', resolve(tmpdir(), 'dancely-uploads')),
      uploadMaxConcurrentPerUser: int('UPLOAD_MAX_CONCURRENT_PER_USER', 3, 1, 100),
      uploadIdleTimeoutSeconds: int(
        'UPLOAD_IDLE_TIMEOUT_SECONDS',
        UPLOAD_IDLE_TIMEOUT_SECONDS_DEFAULT,
        1,
        3600,
      ),
      resumable: {
        dir: path(
          'RESUMABLE_UPLOAD_DIR',
          resolve(path('MEDIA_LOCAL_DIR', 'var/media'), '..', 'resumable-uploads'),
        ),
        expiryHours: int('RESUMABLE_UPLOAD_EXPIRY_HOURS', 24, 1, 24 * 30),
        maxUnfinishedPerUser: int(
          'RESUMABLE_UPLOAD_MAX_UNFINISHED_PER_USER',
          RESUMABLE_UPLOAD_MAX_UNFINISHED_DEFAULT,
          1,
          100,
        ),
        dailyBytesPerUser: int(
          'RESUMABLE_UPLOAD_DAILY_BYTES_PER_USER',
          RESUMABLE_UPLOAD_DAILY_BYTES_DEFAULT,
          1,
        ),
        cleanupIntervalMinutes: int(
          'RESUMABLE_UPLOAD_CLEANUP_INTERVAL_MINUTES',
          nodeEnv === 'test' ? 0 : 60,
          0,
          24 * 60,
        ),
      },
      processing: {
        transcoding: oneOf('VIDEO_TRANSCODING', ['auto', 'off'] as const, 'auto'),
        ffmpegPath: raw('FFMPEG_PATH') ?? 'ffmpeg',
        ffprobePath: raw('FFPROBE_PATH') ?? 'ffprobe',
        concurrency: int('VIDEO_PROCESSING_CONCURRENCY', 1, 1, 16),
        niceness: int('VIDEO_PROCESSING_NICE', 10, 0, 19),
        cpuClass: oneOf('VIDEO_PROCESSING_CPU_CLASS', ['idle', 'normal'] as const, 'idle'),
        leaseSeconds: int('VIDEO_PROCESSING_LEASE_SECONDS', 60, 3, 3600),
        resumeAtBoot: true,
      },
      cloudinary,
    },
    mail: {
      transport,
      outboxDir: path('MAIL_OUTBOX_DIR', 'var/outbox'),
      resendApiKey,
      resendBaseUrl: raw('RESEND_BASE_URL'),
      from: raw('EMAIL_FROM') ?? 'Dancely <noreply@mail.dancely.in>',
    },
    log: {
      level: oneOf(
        'LOG_LEVEL',
        ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const,
        'info',
      ),
      dir: path('LOG_DIR', 'var/log'),
      files: bool('LOG_FILES', true),
    },
    counters: {
      // Off in tests unless a test asks: a run in the middle of a test would change its counts.
      reconcileIntervalMinutes: int(
        'COUNTERS_RECONCILE_INTERVAL_MINUTES',
        nodeEnv === 'test' ? 0 : 60,
        0,
        7 * 24 * 60,
      ),
      reconcileBatchSize: int('COUNTERS_RECONCILE_BATCH_SIZE', 500, 1, 10_000),
    },
    metrics: { enabled: metricsEnabled, port: metricsPort },
  };

  if (config.throttleRedisUrl !== undefined && !/^rediss?:\/\//.test(config.throttleRedisUrl)) {
    problems.push('THROTTLE_REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(config.jobs.prefix)) {
    problems.push('JOBS_PREFIX must be 1 to 64 letters, digits or : _ . -');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
