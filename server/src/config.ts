import { resolve } from 'node:path';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@draftroom/shared';
import { z } from 'zod';
import { DEFAULT_PROCESS_TIME_ZONE, isKnownTimeZone } from './export/peopleDates';

/** Every setting of the server, read from environment variables (documented in the README). */
export interface ServerConfig {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Directory holding the SQLite database `draftroom.db`. */
  dataDir: string;
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** Bytes of log lines held in memory while standard output cannot be written (full disk); more are dropped. */
  logBufferMaxBytes: number;
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
  /** Entries an uploaded DOCX (a ZIP archive) may have (413 above). */
  maxUploadEntries: number;
  /** Bytes one entry of an uploaded DOCX may unpack to (413 above). */
  maxUploadEntryInflatedBytes: number;
  /** Bytes all entries of an uploaded DOCX may unpack to together (413 above). */
  maxUploadInflatedBytes: number;
  /** How many times its compressed size an entry of an upload may unpack to (422 above; entries under 1 MiB exempt). */
  maxInflateRatio: number;
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
  /** Milliseconds between WebSocket pings to every collaboration socket (default 15 000). */
  heartbeatIntervalMs: number;
  /** Consecutive unanswered pings after which a socket is terminated and its slot freed (default 2). */
  heartbeatMissedPongs: number;
  /** Bytes waiting to be sent to one socket past which it is closed with 4408 (default 16 MiB). */
  maxSendBufferBytes: number;
  /** Milliseconds a socket the server closes may take to finish the close handshake before it is destroyed (default 5000). */
  collabCloseTimeoutMs: number;
  /** Whole-document sync answers (sync step 1 from a client) one user's sockets together may ask for at once (default 20). */
  collabSyncAnswersBurst: number;
  /** Whole-document sync answers per minute one user's sockets together may ask for on average (default 60; 4429 past it). */
  collabSyncAnswersPerMinute: number;
  /** Presence answers (the snapshot sent on joining, QueryAwareness) one user's sockets may ask for at once (default 40). */
  collabPresenceAnswersBurst: number;
  /** Presence answers per minute one user's sockets may ask for on average (default 120; 4429 past it). */
  collabPresenceAnswersPerMinute: number;
  /** Bytes per second of presence one user's sockets together may have relayed on average (default 32 KiB); more is dropped. */
  presenceBytesPerSecond: number;
  /** Bytes of presence one user may have relayed at once (default and least 64 KiB: one largest state, 16 K characters). */
  presenceByteBurst: number;
  /** Bytes waiting to be sent to all of one user's sockets together (default 64 MiB); past it the largest are closed with 4408. */
  maxUserSendBufferBytes: number;
  /** Bytes waiting to be sent to all collaboration sockets together (default 256 MiB); past it the largest are closed with 4408. */
  maxTotalSendBufferBytes: number;
  /** Milliseconds a departed client's presence id stays reserved for its user (default one day). */
  presenceClaimRetentionMs: number;
  /** Presence ids remembered per user (default twice `maxConnectionsPerUser`); past it their oldest released id is forgotten. */
  presenceClaimsPerUser: number;
  /** Presence ids remembered in all (default 100 000); past it released ids are forgotten, oldest first. */
  presenceClaimsMax: number;
  /** Milliseconds between sweeps deleting expired sessions and closing their sockets (default 60 000). */
  sessionSweepIntervalMs: number;
  /** Secret the audit entries are MAC'd with; empty: a key file `DATA_DIR/audit.key` (mode 0600) is used. */
  auditKey: string;
  /** File the audit chain's head checkpoints are appended to (outside the database); empty: `DATA_DIR/audit-anchors.jsonl`. */
  auditAnchorFile: string;
  /** Seconds from a new audit entry to the checkpoint that covers it (0: a checkpoint after every entry). */
  auditCheckpointSeconds: number;
  /** Window in which repeated refusals from one source are counted into one audit row. */
  auditRefusalWindowSeconds: number;
  /** First audit rows all sources' refusals may write per window (the rest are counted). */
  auditRefusalRowsPerWindow: number;
  /** With the demo: a negotiation under way (statuses, positions, a bracket, comments). */
  seedDemoNegotiation: boolean;
  /** Seed the demo (Prague Process) when the database has no process yet. */
  seedDemo: boolean;
  /** IANA time zone the dates in exported documents are written in (default Europe/Prague). */
  processTimeZone: string;
  /** Whether the public verification page and `POST /api/public/verify` answer (default on). */
  publicVerify: boolean;
  /** Public verifications one client address may ask for per minute (default 10; 429 past it). */
  publicVerifyPerMinute: number;
  /** Verifications (`POST /api/verify/docx`) one signed-in user may ask for per minute (default 30; 429 past it). */
  verifyPerMinute: number;
  /** Uploaded files verified at once, signed-in and public together (default 2; 503 with Retry-After past it). */
  verifyConcurrency: number;
  /**
   * PostgreSQL for the documents' text (`postgres://…`); empty: the SQLite
   * file. Several instances write it at once (README: Several instances).
   */
  databaseUrl: string;
  /** Connections this instance's PostgreSQL pool opens at most (default 10). */
  databasePoolSize: number;
  /** Redis shared by the instances (`redis://…`): the bus between them and the shared limits; empty: alone. */
  redisUrl: string;
  /** Paragraphs the body of a verified DOCX may have (default 20 000; 413 past it). */
  maxVerifyParagraphs: number;
  /** Runs (`<w:r>`) the body of a verified DOCX may have (default 200 000; 413 past it). */
  maxVerifyRuns: number;
  /** Elements open at once in a verified DOCX's XML parts (default 256; 422 past it). */
  maxVerifyXmlDepth: number;
  /** First audit rows one signed-in user's refusals may write per window, apart from anonymous ones (default 20). */
  auditRefusalRowsPerUser: number;
  /** Addresses (IPv6: /64 networks) whose overflowing anonymous refusals are summarised one row each per window (default 100; past it, one row for the rest). */
  auditRefusalSummaryAddresses: number;
}

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_BUFFER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  PUBLIC_ORIGIN: z
    .string()
    .default('')
    .refine(
      (value) => normalisedOrigin(value) !== undefined,
      'must be an origin: scheme, host and optional port, such as https://draftroom.example.org',
    ),
  CLIENT_DIR: z.string().optional(),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MAX_MESSAGE_BYTES),
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
  MAX_UPLOAD_ENTRIES: z.coerce.number().int().min(1).default(1000),
  AUDIT_KEY: z
    .string()
    .refine((key) => key === '' || key.length >= 32, 'must have at least 32 characters')
    .default(''),
  AUDIT_ANCHOR_FILE: z.string().default(''),
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(0).default(10),
  AUDIT_REFUSAL_WINDOW_SECONDS: z.coerce.number().positive().default(60),
  AUDIT_REFUSAL_ROWS_PER_WINDOW: z.coerce.number().int().min(1).default(100),
  MAX_UPLOAD_ENTRY_INFLATED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  MAX_UPLOAD_INFLATED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  MAX_INFLATE_RATIO: z.coerce.number().min(1).default(200),
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
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(10).default(15_000),
  HEARTBEAT_MISSED_PONGS: z.coerce.number().int().min(1).default(2),
  MAX_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(16 * 1024 * 1024),
  COLLAB_CLOSE_TIMEOUT_MS: z.coerce.number().int().min(1).default(5000),
  COLLAB_SYNC_ANSWERS_BURST: z.coerce.number().int().min(1).default(20),
  COLLAB_SYNC_ANSWERS_PER_MINUTE: z.coerce.number().positive().default(60),
  COLLAB_PRESENCE_ANSWERS_BURST: z.coerce.number().int().min(1).default(40),
  COLLAB_PRESENCE_ANSWERS_PER_MINUTE: z.coerce.number().positive().default(120),
  PRESENCE_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024),
  // At least one largest presence state (16 K characters: up to 48 KiB of UTF-8) with its identity,
  // or such a state could never be relayed.
  PRESENCE_BYTE_BURST: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(64 * 1024),
  MAX_USER_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(64 * 1024 * 1024),
  MAX_TOTAL_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(256 * 1024 * 1024),
  PRESENCE_CLAIM_RETENTION_MS: z.coerce.number().int().min(0).default(86_400_000),
  PRESENCE_CLAIMS_PER_USER: z.coerce.number().int().min(1).optional(),
  PRESENCE_CLAIMS_MAX: z.coerce.number().int().min(1).default(100_000),
  SESSION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).default(60_000),
  PROCESS_TIME_ZONE: z
    .string()
    .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Prague')
    .default(DEFAULT_PROCESS_TIME_ZONE),
  PUBLIC_VERIFY: booleanFlag.default(true),
  PUBLIC_VERIFY_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  VERIFY_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  VERIFY_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  MAX_VERIFY_PARAGRAPHS: z.coerce.number().int().min(1).default(20_000),
  MAX_VERIFY_RUNS: z.coerce.number().int().min(1).default(200_000),
  MAX_VERIFY_XML_DEPTH: z.coerce.number().int().min(8).default(256),
  AUDIT_REFUSAL_ROWS_PER_USER: z.coerce.number().int().min(1).default(20),
  AUDIT_REFUSAL_SUMMARY_ADDRESSES: z.coerce.number().int().min(1).default(100),
  DATABASE_URL: z
    .string()
    .refine((value) => value === '' || /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL')
    .default(''),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z
    .string()
    .refine((value) => value === '' || /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL')
    .default(''),
});

/**
 * `PUBLIC_ORIGIN` as browsers write an origin (`new URL(…).origin`: lower-case scheme and host, no
 * default port, no trailing slash), or empty; undefined when it is not an http(s) origin.
 */
function normalisedOrigin(value: string): string | undefined {
  if (value === '') return '';
  try {
    const url = new URL(value);
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return (url.protocol === 'https:' || url.protocol === 'http:') && bare ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the configuration from `env`; throws a readable error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, defaultClientDir: string): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.DATABASE_URL) {
    // Instances sharing Redis but each writing its own SQLite text would diverge.
    throw new Error('Invalid configuration: REDIS_URL: several instances need DATABASE_URL (PostgreSQL) too');
  }
  if (e.DATABASE_URL && !e.AUDIT_KEY) {
    // A key file per instance would MAC one chain with several keys: no instance could verify it.
    throw new Error(
      'Invalid configuration: AUDIT_KEY: required with DATABASE_URL (every instance MACs the one audit chain with it)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    logBufferMaxBytes: e.LOG_BUFFER_MAX_BYTES,
    publicOrigin: normalisedOrigin(e.PUBLIC_ORIGIN) ?? '',
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
    maxUploadEntries: e.MAX_UPLOAD_ENTRIES,
    auditKey: e.AUDIT_KEY,
    auditAnchorFile: e.AUDIT_ANCHOR_FILE ? resolve(e.AUDIT_ANCHOR_FILE) : '',
    auditCheckpointSeconds: e.AUDIT_CHECKPOINT_SECONDS,
    auditRefusalWindowSeconds: e.AUDIT_REFUSAL_WINDOW_SECONDS,
    auditRefusalRowsPerWindow: e.AUDIT_REFUSAL_ROWS_PER_WINDOW,
    maxUploadEntryInflatedBytes: e.MAX_UPLOAD_ENTRY_INFLATED_BYTES,
    maxUploadInflatedBytes: e.MAX_UPLOAD_INFLATED_BYTES,
    maxInflateRatio: e.MAX_INFLATE_RATIO,
    maxUpdateClockSpan: e.MAX_UPDATE_CLOCK_SPAN,
    maxUpdateClients: e.MAX_UPDATE_CLIENTS,
    collabMessagesPerSecond: e.COLLAB_MESSAGES_PER_SECOND,
    collabMessageBurst: e.COLLAB_MESSAGE_BURST,
    collabBytesPerSecond: e.COLLAB_BYTES_PER_SECOND,
    maxParkedUpdates: e.PARKED_UPDATES_MAX,
    parkedUpdateTimeoutMs: e.PARKED_UPDATE_TIMEOUT_MS,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    heartbeatMissedPongs: e.HEARTBEAT_MISSED_PONGS,
    maxSendBufferBytes: e.MAX_SEND_BUFFER_BYTES,
    collabCloseTimeoutMs: e.COLLAB_CLOSE_TIMEOUT_MS,
    collabSyncAnswersBurst: e.COLLAB_SYNC_ANSWERS_BURST,
    collabSyncAnswersPerMinute: e.COLLAB_SYNC_ANSWERS_PER_MINUTE,
    collabPresenceAnswersBurst: e.COLLAB_PRESENCE_ANSWERS_BURST,
    collabPresenceAnswersPerMinute: e.COLLAB_PRESENCE_ANSWERS_PER_MINUTE,
    presenceBytesPerSecond: e.PRESENCE_BYTES_PER_SECOND,
    presenceByteBurst: e.PRESENCE_BYTE_BURST,
    maxUserSendBufferBytes: e.MAX_USER_SEND_BUFFER_BYTES,
    maxTotalSendBufferBytes: e.MAX_TOTAL_SEND_BUFFER_BYTES,
    presenceClaimRetentionMs: e.PRESENCE_CLAIM_RETENTION_MS,
    presenceClaimsPerUser: e.PRESENCE_CLAIMS_PER_USER ?? 2 * e.MAX_CONNECTIONS_PER_USER,
    presenceClaimsMax: e.PRESENCE_CLAIMS_MAX,
    sessionSweepIntervalMs: e.SESSION_SWEEP_INTERVAL_MS,
    processTimeZone: e.PROCESS_TIME_ZONE,
    publicVerify: e.PUBLIC_VERIFY,
    publicVerifyPerMinute: e.PUBLIC_VERIFY_PER_MINUTE,
    verifyPerMinute: e.VERIFY_PER_MINUTE,
    verifyConcurrency: e.VERIFY_CONCURRENCY,
    maxVerifyParagraphs: e.MAX_VERIFY_PARAGRAPHS,
    maxVerifyRuns: e.MAX_VERIFY_RUNS,
    maxVerifyXmlDepth: e.MAX_VERIFY_XML_DEPTH,
    auditRefusalRowsPerUser: e.AUDIT_REFUSAL_ROWS_PER_USER,
    auditRefusalSummaryAddresses: e.AUDIT_REFUSAL_SUMMARY_ADDRESSES,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
  };
}

/** A configuration for tests and tools: defaults, with overrides. */
export function configWith(overrides: Partial<ServerConfig>): ServerConfig {
  return { ...loadConfig({}, ''), port: 0, host: '127.0.0.1', logLevel: 'silent', ...overrides };
}
