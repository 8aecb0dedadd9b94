/**
 * The rules of the audit chain. Each entry's `hash` is the SHA-256 of the
 * previous entry's hash and its own fields (a public rule: anyone can
 * recompute it). Each entry written since the chain was keyed also carries a
 * `mac`: an HMAC-SHA256, under a key kept outside the database, of its
 * sequence number (its row id) and its hash — so an entry cannot be edited,
 * renumbered or forged, even by someone who recomputes every hash after it,
 * without the key. Checkpoints of the chain's head are MAC'd the same way.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What the audit log records. */
export type AuditAction =
  | 'sign-in'
  | 'sign-in-refused'
  | 'sign-in-locked'
  | 'sign-out'
  | 'password-changed'
  | 'password-reset'
  | 'role-changed'
  | 'participant-created'
  | 'user-created'
  | 'process-role-changed'
  | 'amendment-decided'
  | 'amendment-withdrawn'
  | 'amendment-compromise'
  | 'refused'
  /** Entries the audit queue of a process could not hold (auditQueue.ts): how many, of which actions. */
  | 'audit-entries-lost';

/** An audit row as stored (`mac` is null on entries written before the chain was keyed). */
export interface AuditRow {
  id: number;
  at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  action: AuditAction;
  target: string;
  detail: string;
  ip: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an entry: SHA-256 over the previous hash and the entry's fields, in a fixed order. */
export function hashAuditEntry(row: Omit<AuditRow, 'id' | 'hash' | 'mac'>): string {
  const canonical = JSON.stringify([
    row.prev_hash,
    row.at,
    row.actor_user_id,
    row.actor_email,
    row.action,
    row.target,
    row.detail,
    row.ip,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function hmac(key: Buffer, parts: readonly unknown[]): string {
  return createHmac('sha256', key).update(JSON.stringify(parts)).digest('hex');
}

/** The MAC of entry number `id` whose hash is `hash` (hex HMAC-SHA256). */
export function macOfEntry(key: Buffer, id: number, hash: string): string {
  return hmac(key, ['draftroom-audit-entry', id, hash]);
}

/**
 * A checkpoint of the chain's head: the sequence number (row id) of the
 * newest entry and its hash, when it was taken, and up to which id entries
 * may be older, unkeyed ones (written before the upgrade that keyed the
 * chain; 0 for a log keyed from the start) with the hash of that last
 * unkeyed entry, which pins them all. Appended to the anchor file and
 * written to the server log.
 *
 * Version 2 adds the database's schema version (`schema`: a database found
 * below it was downgraded) and `prev`, the MAC of the checkpoint written
 * before it to the same anchor file ('' for the first): the checkpoints form
 * a chain, so a checkpoint shipped off the host (the log's `auditCheckpoint`
 * lines) shows whether the anchor file was cut back behind it
 * (`audit:verify --checkpoint`). Version 1 lines (written before) are read
 * as they are.
 */
export type Checkpoint = CheckpointV1 | CheckpointV2;

interface CheckpointFields {
  seq: number;
  head: string;
  at: string;
  legacyThrough: number;
  legacyHead: string;
  note?: string;
  mac: string;
}

export interface CheckpointV1 extends CheckpointFields {
  v: 1;
}

export interface CheckpointV2 extends CheckpointFields {
  v: 2;
  /** The database's schema version (`PRAGMA user_version`) when the checkpoint was written. */
  schema: number;
  /** The MAC of the previous checkpoint of the anchor file ('' for its first). */
  prev: string;
}

/** A checkpoint before its MAC is made. */
export type UnsignedCheckpoint = Omit<CheckpointV1, 'mac'> | Omit<CheckpointV2, 'mac'>;

/** The MAC of a checkpoint (over every field but `mac`). */
export function macOfCheckpoint(key: Buffer, checkpoint: UnsignedCheckpoint): string {
  const { v, seq, head, at, legacyThrough, legacyHead, note } = checkpoint;
  const fields: unknown[] = [
    'draftroom-audit-checkpoint',
    v,
    seq,
    head,
    at,
    legacyThrough,
    legacyHead,
    note ?? '',
  ];
  if (checkpoint.v === 2) fields.push(checkpoint.schema, checkpoint.prev);
  return hmac(key, fields);
}

/** Compares two hex MACs in constant time. */
export function sameMac(expected: string, actual: string | null | undefined): boolean {
  if (typeof actual !== 'string' || actual.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(actual, 'utf8'));
}
