/**
 * The audit key: the secret the audit chain's MACs are made with. It must
 * not be stored in the database (whoever can rewrite the database must not
 * be able to re-MAC it). Production sets `AUDIT_KEY` from a secret store;
 * without it the server keeps a random key in `DATA_DIR/audit.key`
 * (mode 0600), next to the database but outside it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';

/** Shortest `AUDIT_KEY` accepted, in characters. */
export const MIN_AUDIT_KEY_LENGTH = 32;

/** The key file used when `AUDIT_KEY` is not set. */
export function auditKeyPath(dataDir: string): string {
  return join(dataDir, 'audit.key');
}

export interface AuditKeySource {
  /** `AUDIT_KEY` (empty: use the key file). */
  auditKey: string;
  dataDir: string;
}

function readKeyFile(path: string, logger: Logger): Buffer {
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${path} does not hold a 256-bit hex audit key`);
  if ((statSync(path).mode & 0o077) !== 0) {
    logger.warn({ path }, 'the audit key file is readable by other users: chmod 600 it');
  }
  return Buffer.from(hex, 'hex');
}

/** The audit key, and whether its key file was made just now. */
export interface LoadedAuditKey {
  key: Buffer;
  /**
   * True only when the key file did not exist and was created by this call: the one start at which
   * an unkeyed (pre-upgrade) log may be anchored by itself. False for `AUDIT_KEY` and an existing file.
   */
  createdNow: boolean;
}

/**
 * `AUDIT_KEY=hex:<64 hex digits>`: the 32 bytes those digits spell — the form
 * a key file (`audit.key`) holds, so a deployment moving from the embedded
 * store to PostgreSQL keeps the key its entries were MAC'd with
 * (`AUDIT_KEY="hex:$(cat DATA_DIR/audit.key)"`).
 */
const HEX_AUDIT_KEY = /^hex:([0-9a-f]{64})$/i;

/**
 * The key bytes an `AUDIT_KEY` value stands for: its `hex:` digits decoded, else its UTF-8 bytes.
 * @throws when it starts with `hex:` but 64 hex digits do not follow
 */
export function auditKeyBytes(auditKey: string): Buffer {
  if (!/^hex:/i.test(auditKey.trim())) return Buffer.from(auditKey, 'utf8');
  const hex = HEX_AUDIT_KEY.exec(auditKey.trim())?.[1];
  if (!hex) throw new Error('AUDIT_KEY: after hex: come the 64 hex digits of an audit.key file');
  return Buffer.from(hex, 'hex');
}

/**
 * The audit key: `AUDIT_KEY`'s bytes (`auditKeyBytes`), or the key file's 32 bytes. With
 * `create`, a missing key file is made (random key, mode 0600, never
 * overwritten) and the creation is logged as a warning; without it (the
 * admin CLI), a missing key is an error.
 * @throws when `AUDIT_KEY` is shorter than 32 characters, or the key file is unreadable, malformed or missing
 */
export function loadAuditKey(source: AuditKeySource, logger: Logger, create: boolean): Buffer {
  return loadAuditKeyFile(source, logger, create).key;
}

/** `loadAuditKey`, also saying whether the key file was created now. @throws as `loadAuditKey` */
export function loadAuditKeyFile(source: AuditKeySource, logger: Logger, create: boolean): LoadedAuditKey {
  if (source.auditKey) {
    if (source.auditKey.length < MIN_AUDIT_KEY_LENGTH) {
      throw new Error(`AUDIT_KEY must have at least ${MIN_AUDIT_KEY_LENGTH} characters`);
    }
    return { key: auditKeyBytes(source.auditKey), createdNow: false };
  }
  const path = auditKeyPath(source.dataDir);
  try {
    return { key: readKeyFile(path, logger), createdNow: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create) throw new Error(`no audit key: set AUDIT_KEY, or start the server once to create ${path}`);
  }
  let createdNow = false;
  try {
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    createdNow = true;
    logger.warn(
      { path },
      'created an audit key file; production should set AUDIT_KEY from a secret store (and keep it: entries made with a key verify only with that key)',
    );
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { key: readKeyFile(path, logger), createdNow };
}
