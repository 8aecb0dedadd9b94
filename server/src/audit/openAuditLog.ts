import { join, relative, resolve } from 'node:path';
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';
import { type SqliteDatabase, schemaVersionAtOpen } from '../store/database';
import { AUDIT_KEYED_SCHEMA_VERSION } from '../store/migrations';
import { AnchorFile } from './auditAnchor';
import type { Checkpoint } from './auditChain';
import type { AuditSchema } from './auditCheckpoints';
import { loadAuditKey, loadAuditKeyFile } from './auditKey';
import { AuditLog } from './auditLog';
import type { AuditQueueOptions } from './auditQueue';
import { shippedCheckpointProblem } from './auditShipped';
import { type AuditRepository, chainRows } from './auditStore';
import { type AuditVerification, verifyAuditChain } from './auditVerifier';

type AuditSettings = Pick<
  ServerConfig,
  | 'dataDir'
  | 'auditKey'
  | 'auditAnchorFile'
  | 'auditCheckpointSeconds'
  | 'auditRefusalWindowSeconds'
  | 'auditRefusalRowsPerWindow'
  | 'auditRefusalRowsPerUser'
  | 'auditRefusalSummaryAddresses'
>;

/** The anchor file: `AUDIT_ANCHOR_FILE`, or `DATA_DIR/audit-anchors.jsonl`. */
export function auditAnchorPath(config: Pick<ServerConfig, 'dataDir' | 'auditAnchorFile'>): string {
  return config.auditAnchorFile || join(config.dataDir, 'audit-anchors.jsonl');
}

/** The schema of the SQLite file `db` as the audit checkpoints record it (`PRAGMA user_version`). */
export function sqliteAuditSchema(db: SqliteDatabase): AuditSchema {
  return {
    now: db.pragma('user_version', { simple: true }) as number,
    atOpen: schemaVersionAtOpen(db),
    keyedFrom: AUDIT_KEYED_SCHEMA_VERSION,
  };
}

/** How the log is opened besides the server's settings. */
export interface OpenAuditOptions {
  /** Create the key file when there is none (default true; the admin CLI never creates one). */
  createKey?: boolean;
  /** The append queue's bound and timeouts (auditQueue.ts; defaults otherwise). */
  queue?: AuditQueueOptions;
}

/**
 * The audit log kept by `store` (`records.audit`: SQLite or PostgreSQL) of a database with schema
 * `schema` (sqliteAuditSchema, pgAuditSchema), with the server's settings: the key from `AUDIT_KEY`
 * or the key file, the anchor file, checkpoint and refusal bounds. It opens in the background
 * (AuditLog's constructor); `flushed()` resolves once it has.
 * @throws when the key cannot be had (see loadAuditKey)
 */
export function openAuditLog(
  store: AuditRepository,
  schema: AuditSchema,
  config: AuditSettings,
  logger: Logger,
  { createKey = true, queue }: OpenAuditOptions = {},
): AuditLog {
  const { key, createdNow } = loadAuditKeyFile(
    { auditKey: config.auditKey, dataDir: config.dataDir },
    logger,
    createKey,
  );
  warnIfAnchorInDataDir(config, logger);
  return new AuditLog(store, {
    key,
    keyCreatedNow: createdNow,
    anchorPath: auditAnchorPath(config),
    schema,
    logger,
    checkpointIntervalMs: config.auditCheckpointSeconds * 1000,
    refusals: {
      windowMs: config.auditRefusalWindowSeconds * 1000,
      maxRowsPerWindow: config.auditRefusalRowsPerWindow,
      maxRowsPerUser: config.auditRefusalRowsPerUser,
      maxSummarySources: config.auditRefusalSummaryAddresses,
    },
    ...(queue ? { queue } : {}),
  });
}

/**
 * Warns when the anchor file lies inside `DATA_DIR`: whoever can write the database can then also
 * cut the anchor file back to an older (validly MAC'd) line, which needs no key — only checkpoints
 * kept elsewhere show it (`audit:verify --checkpoint`).
 */
function warnIfAnchorInDataDir(
  config: Pick<ServerConfig, 'dataDir' | 'auditAnchorFile'>,
  logger: Logger,
): void {
  const anchor = resolve(auditAnchorPath(config));
  const inside = relative(resolve(config.dataDir), anchor);
  if (inside.startsWith('..') || resolve(inside) === inside) return;
  logger.warn(
    { anchor, dataDir: config.dataDir },
    'the audit anchor file is inside DATA_DIR: whoever can write the database can also cut it back to an older checkpoint without the key; set AUDIT_ANCHOR_FILE to another volume and ship the auditCheckpoint log lines off the host',
  );
}

/**
 * Verifies the audit log kept by `store` without writing anything (no key file, no checkpoint): for
 * the admin CLI, which may run next to the server. The anchor file (`AUDIT_ANCHOR_FILE`) may be any
 * instance's. With `shipped` (a checkpoint kept off the host), the log and the anchor file are also
 * held against it (`auditShipped.ts`).
 * @throws when the key cannot be had, or the store cannot be read
 */
export async function verifyStoredAudit(
  store: AuditRepository,
  config: Pick<ServerConfig, 'dataDir' | 'auditKey' | 'auditAnchorFile'>,
  logger: Logger,
  shipped?: Checkpoint,
): Promise<AuditVerification> {
  const key = loadAuditKey({ auditKey: config.auditKey, dataDir: config.dataDir }, logger, false);
  const anchor = new AnchorFile(auditAnchorPath(config));
  const result = await verifyAuditChain(chainRows(store), key, anchor.read(key));
  if (!result.ok || !shipped) return result;
  const problem = await shippedCheckpointProblem(store, anchor, key, shipped);
  if (!problem) return result;
  return {
    ok: false,
    entries: result.entries,
    firstBrokenId: problem.id,
    why: problem.why,
    checkpoint: result.checkpoint,
  };
}
