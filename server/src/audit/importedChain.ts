/**
 * The audit chain moved by `pnpm admin import-sqlite` from the embedded
 * store into PostgreSQL, rows as they are (same ids, hashes and MACs): it is
 * verified, as copied, with the key the PostgreSQL servers will use against
 * the embedded server's anchor file before the import commits — a wrong
 * `AUDIT_KEY` would otherwise show only as a broken log at the first start —
 * and, once committed, anchored in the servers' anchor file, so they start
 * on it as on a log they had checkpointed themselves.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../logger';
import { AnchorFile, type AnchorReading } from './auditAnchor';
import { AuditCheckpoints, type AuditSchema, type ChainHead } from './auditCheckpoints';
import { auditKeyPath, loadAuditKey } from './auditKey';
import { type AuditRepository, chainRows } from './auditStore';
import { type AuditVerification, verifyAuditChain } from './auditVerifier';

/** The copied chain's verification, and the embedded anchor it was held against. */
export interface ImportedChain {
  verification: AuditVerification;
  anchor: AnchorReading;
}

/**
 * Verifies the rows of `store` (the import's transaction, after audit_log was copied) with `key`
 * against the embedded server's anchor file `anchorPath`.
 * @throws the store's error when the rows cannot be read
 */
export async function verifyImportedChain(
  store: Pick<AuditRepository, 'rowsAfter'>,
  key: Buffer,
  anchorPath: string,
): Promise<ImportedChain> {
  const anchor = new AnchorFile(anchorPath).read(key);
  return { verification: await verifyAuditChain(chainRows(store), key, anchor), anchor };
}

/**
 * Why the import is refused for a chain that does not verify, and what to do: when the embedded
 * server's key file (`<from>/audit.key`) holds another key than `key`, how to give its key instead.
 */
export function importedChainRefusal(
  chain: ImportedChain,
  key: Buffer,
  from: string,
  anchorPath: string,
  logger: Logger,
): string {
  const { verification } = chain;
  if (verification.ok) return '';
  const keyFile = auditKeyPath(from);
  let fileKey: Buffer | undefined;
  try {
    fileKey = existsSync(keyFile) ? loadAuditKey({ auditKey: '', dataDir: from }, logger, false) : undefined;
  } catch {
    fileKey = undefined;
  }
  if (fileKey && !fileKey.equals(key)) {
    return `AUDIT_KEY is not the key the embedded server MAC'd its audit log with (entry ${verification.firstBrokenId}: ${verification.why}); that key is in ${keyFile}: set AUDIT_KEY="hex:$(cat ${keyFile})" for the import and for every PostgreSQL instance`;
  }
  const anchor =
    chain.anchor.state === 'ok'
      ? ''
      : ` (anchor file ${anchorPath}: ${chain.anchor.state}; --anchor names another)`;
  return `the embedded store's audit log does not verify with AUDIT_KEY: entry ${verification.firstBrokenId}: ${verification.why}${anchor}. Check it with DATA_DIR=${from} pnpm admin audit:verify (without DATABASE_URL); to import it as it is, add --accept-broken-audit`;
}

/**
 * After the import committed: anchors the imported chain at its newest entry in the PostgreSQL
 * servers' anchor file `anchorPath` (as `audit:reanchor` does, with `note`). The entries written
 * before the chain was keyed stay as the embedded anchor said (`chain.anchor`), else as the
 * store's first keyed entry says. Failures are logged, not thrown.
 * @returns the head anchored; undefined when the log is empty or the anchor could not be written
 */
export async function anchorImportedChain(
  store: AuditRepository,
  schema: AuditSchema,
  key: Buffer,
  anchorPath: string,
  embedded: AnchorReading,
  note: string,
  logger: Logger,
): Promise<ChainHead | undefined> {
  const head = await store.head();
  if (!head) return undefined;
  const anchor = new AnchorFile(anchorPath);
  const checkpoints = new AuditCheckpoints(anchor, key, logger, {
    intervalMs: 0,
    schema: schema.now,
    keyedSchema: schema.keyedFrom,
    readHead: () => store.head(),
    onDue: () => undefined,
  });
  const legacy =
    embedded.state === 'ok'
      ? { seq: embedded.checkpoint.legacyThrough, hash: embedded.checkpoint.legacyHead }
      : await store.entryBefore((await store.firstKeyedId()) ?? head.seq + 1);
  await checkpoints.reanchor(head, legacy, note);
  const written = anchor.read(key);
  return written.state === 'ok' && written.checkpoint.seq === head.seq ? head : undefined;
}
