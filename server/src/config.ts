import { resolve } from 'node:path';
import { z } from 'zod';

/** Every setting of the server, read from environment variables (documented in the README). */
export interface ServerConfig {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Directory holding the SQLite database `draftroom.db`. */
  dataDir: string;
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** The origin browsers use to reach the app, e.g. `https://draftroom.example.org`. Empty: derived from the request's Host. */
  publicOrigin: string;
  /** Directory of the built client to serve; empty disables static serving. */
  clientDir: string;
  /** SQLite `synchronous` pragma for the WAL journal: NORMAL or FULL. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Largest WebSocket frame accepted, in bytes. */
  maxMessageBytes: number;
  /** Largest JSON request body accepted, in bytes. */
  maxRequestBodyBytes: number;
  /** Appended updates of a document before they are compacted into one state row. */
  compactAfterUpdates: number;
  /** Presence (carets, selections) is relayed in batches once per this interval. */
  presenceFlushMs: number;
  /** How long an unused document stays loaded after its last client left. */
  roomUnloadDelayMs: number;
  /** Lifetime of a sign-in session. */
  sessionTtlHours: number;
  /** Failed sign-ins of one account before it is locked out. */
  signInMaxFailuresPerAccount: number;
  /** Failed sign-ins from one IP address before it is locked out. */
  signInMaxFailuresPerIp: number;
  /** Counting window and lock-out duration of failed sign-ins. */
  signInLockoutSeconds: number;
  /** Open collaboration sockets one user may hold at once. */
  maxConnectionsPerUser: number;
  /** At most one automatic checkpoint (version) per this many minutes of editing. */
  checkpointIntervalMinutes: number;
  /** Largest DOCX accepted by the verify page. */
  maxUploadBytes: number;
  /** New clock units (characters, elements, placeholders) one client update may add. */
  maxUpdateClockSpan: number;
  /** Distinct Yjs client ids one client update may name. */
  maxUpdateClients: number;
  /** Messages per second one collaboration socket may send on average. */
  collabMessagesPerSecond: number;
  /** Messages one collaboration socket may send in a burst (the bucket size). */
  collabMessageBurst: number;
  /** Bytes per second one collaboration socket may send on average (bursts up to twice `maxMessageBytes`). */
  collabBytesPerSecond: number;
  /** Updates of one socket that may wait for its own earlier changes (bytes: up to twice `maxMessageBytes`). */
  maxParkedUpdates: number;
  /** How long such an update may wait before the socket is closed with 4409. */
  parkedUpdateTimeoutMs: number;
  /** With the demo: a negotiation under way (statuses, positions, a bracket, comments). */
  seedDemoNegotiation: boolean;
  /** Seed the demo (Prague Process) when the database has no process yet. */
  seedDemo: boolean;
}

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_ORIGIN: z.string().default(''),
  CLIENT_DIR: z.string().optional(),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024),
  COMPACT_AFTER_UPDATES: z.coerce.number().int().min(1).default(500),
  ROOM_UNLOAD_DELAY_MS: z.coerce.number().int().min(0).default(10_000),
  PRESENCE_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(50),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  SEED_DEMO: booleanFlag.default(false),
  SEED_DEMO_NEGOTIATION: booleanFlag.default(false),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  SIGNIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  SIGNIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
  CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().min(0).default(10),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  MAX_UPDATE_CLOCK_SPAN: z.coerce.number().int().min(1024).default(8_388_608),
  MAX_UPDATE_CLIENTS: z.coerce.number().int().min(1).default(256),
  COLLAB_MESSAGES_PER_SECOND: z.coerce.number().positive().default(200),
  COLLAB_MESSAGE_BURST: z.coerce.number().int().min(1).default(1000),
  PARKED_UPDATES_MAX: z.coerce.number().int().min(1).default(1000),
  PARKED_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  COLLAB_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
});

/** Reads the configuration from `env`; throws a readable error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, defaultClientDir: string): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    publicOrigin: e.PUBLIC_ORIGIN.replace(/\/$/, ''),
    clientDir: e.CLIENT_DIR ?? defaultClientDir,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    roomUnloadDelayMs: e.ROOM_UNLOAD_DELAY_MS,
    presenceFlushMs: e.PRESENCE_FLUSH_MS,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    seedDemo: e.SEED_DEMO,
    seedDemoNegotiation: e.SEED_DEMO_NEGOTIATION,
    signInMaxFailuresPerAccount: e.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
    signInMaxFailuresPerIp: e.SIGNIN_MAX_FAILURES_PER_IP,
    signInLockoutSeconds: e.SIGNIN_LOCKOUT_SECONDS,
    maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
    checkpointIntervalMinutes: e.CHECKPOINT_INTERVAL_MINUTES,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxUpdateClockSpan: e.MAX_UPDATE_CLOCK_SPAN,
    maxUpdateClients: e.MAX_UPDATE_CLIENTS,
    collabMessagesPerSecond: e.COLLAB_MESSAGES_PER_SECOND,
    collabMessageBurst: e.COLLAB_MESSAGE_BURST,
    collabBytesPerSecond: e.COLLAB_BYTES_PER_SECOND,
    maxParkedUpdates: e.PARKED_UPDATES_MAX,
    parkedUpdateTimeoutMs: e.PARKED_UPDATE_TIMEOUT_MS,
  };
}

/** A configuration for tests and tools: defaults, with overrides. */
export function configWith(overrides: Partial<ServerConfig>): ServerConfig {
  return { ...loadConfig({}, ''), port: 0, host: '127.0.0.1', logLevel: 'silent', ...overrides };
}
