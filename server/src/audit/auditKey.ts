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
 * The audit key: `AUDIT_KEY`'s bytes, or the key file's 32 bytes. With
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
    return { key: Buffer.from(source.auditKey, 'utf8'), createdNow: false };
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
