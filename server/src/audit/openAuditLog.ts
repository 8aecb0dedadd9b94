import { join, relative, resolve } from 'node:path';
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';
import type { SqliteDatabase } from '../store/database';
import { AnchorFile } from './auditAnchor';
import type { Checkpoint } from './auditChain';
import { loadAuditKey, loadAuditKeyFile } from './auditKey';
import { AuditLog } from './auditLog';
import { shippedCheckpointProblem } from './auditShipped';
import { AuditStore, chainRows } from './auditStore';
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

/**
 * The audit log of `db` with the server's settings: the key from `AUDIT_KEY` or the key file (created
 * when `createKey`; the admin CLI never creates one), the anchor file, checkpoint and refusal bounds.
 * @throws when the key cannot be had (see loadAuditKey)
 */
export function openAuditLog(
  db: SqliteDatabase,
  config: AuditSettings,
  logger: Logger,
  createKey = true,
): AuditLog {
  const { key, createdNow } = loadAuditKeyFile(
    { auditKey: config.auditKey, dataDir: config.dataDir },
    logger,
    createKey,
  );
  warnIfAnchorInDataDir(config, logger);
  return new AuditLog(db, {
    key,
    keyCreatedNow: createdNow,
    anchorPath: auditAnchorPath(config),
    logger,
    checkpointIntervalMs: config.auditCheckpointSeconds * 1000,
    refusals: {
      windowMs: config.auditRefusalWindowSeconds * 1000,
      maxRowsPerWindow: config.auditRefusalRowsPerWindow,
      maxRowsPerUser: config.auditRefusalRowsPerUser,
      maxSummarySources: config.auditRefusalSummaryAddresses,
    },
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
 * Verifies the audit log of `db` without writing anything (no key file, no checkpoint): for the
 * admin CLI, which may run next to the server. With `shipped` (a checkpoint kept off the host), the
 * log and the anchor file are also held against it (`auditShipped.ts`).
 * @throws when the key cannot be had
 */
export async function verifyStoredAudit(
  db: SqliteDatabase,
  config: Pick<ServerConfig, 'dataDir' | 'auditKey' | 'auditAnchorFile'>,
  logger: Logger,
  shipped?: Checkpoint,
): Promise<AuditVerification> {
  const key = loadAuditKey({ auditKey: config.auditKey, dataDir: config.dataDir }, logger, false);
  const store = new AuditStore(db);
  const anchor = new AnchorFile(auditAnchorPath(config));
  const result = verifyAuditChain(chainRows(store), key, anchor.read(key));
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
