/**
 * Walks the audit chain from its first entry and names the first bad one:
 * an entry that is missing (sequence numbers of keyed entries run without
 * gaps), whose link, hash or MAC does not match, or that disagrees with the
 * newest checkpoint of the anchor file; and, at the end, entries missing
 * after the last one stored (the checkpoint knows a later head). Entries
 * written before the chain was keyed (up to the checkpoint's
 * `legacyThrough`) are held to the old rule: link and hash.
 */
import type { AnchorReading } from './auditAnchor';
import {
  type AuditRow,
  type Checkpoint,
  GENESIS_HASH,
  hashAuditEntry,
  macOfEntry,
  sameMac,
} from './auditChain';

/** The checkpoint a verification was held against. */
export interface CheckpointSummary {
  seq: number;
  at: string;
}

/** The answer of GET /api/admin/audit/verify (`ok`, `entries`, `firstBrokenId`, `why` as before; `checkpoint` added). */
export type AuditVerification =
  | { ok: true; entries: number; checkpoint: CheckpointSummary | null }
  | { ok: false; entries: number; firstBrokenId: number; why: string; checkpoint: CheckpointSummary | null };

function missing(from: number, to: number): string {
  return from === to ? `entry ${from} is missing` : `entries ${from}–${to} are missing`;
}

interface Walk {
  previousHash: string;
  previousId: number;
  keyed: boolean;
}

/** Why `row` breaks the chain walked so far, with the id to name; undefined when it holds. */
function rowProblem(row: AuditRow, walk: Walk, key: Buffer): { id: number; why: string } | undefined {
  const expectedId = walk.previousId + 1;
  const gap = row.id > expectedId;
  if (walk.keyed && gap) return { id: expectedId, why: missing(expectedId, row.id - 1) };
  if (row.prev_hash !== walk.previousHash) {
    if (gap) return { id: expectedId, why: missing(expectedId, row.id - 1) };
    return { id: row.id, why: 'its link to the previous entry does not match' };
  }
  if (hashAuditEntry(row) !== row.hash) return { id: row.id, why: 'its content does not match its hash' };
  if (!walk.keyed) return undefined;
  if (row.mac === null) {
    return { id: row.id, why: 'it carries no MAC: it was written or rewritten without the audit key' };
  }
  if (!sameMac(macOfEntry(key, row.id, row.hash), row.mac)) {
    return { id: row.id, why: 'its MAC does not match: it was edited, renumbered or forged' };
  }
  return undefined;
}

function anchorProblem(anchor: AnchorReading): string | undefined {
  if (anchor.state === 'missing') return 'the anchor file is missing, so removed entries cannot be ruled out';
  if (anchor.state === 'empty')
    return 'the anchor file holds no checkpoint, so removed entries cannot be ruled out';
  if (anchor.state === 'altered')
    return 'the last line of the anchor file is not a checkpoint made with the audit key';
  return undefined;
}

/**
 * Verifies `rows` (in id order) with `key` against the anchor file's newest checkpoint — written
 * by any instance of the chain's store. Read the anchor before the rows: a checkpoint records a
 * head that was stored when it was written, so rows read after it reach it.
 * @param rows the audit_log rows, ordered by id (iterated once; e.g. chainRows, a page at a time)
 * @throws the rows' error when they cannot be read
 */
export async function verifyAuditChain(
  rows: AsyncIterable<AuditRow> | Iterable<AuditRow>,
  key: Buffer,
  anchor: AnchorReading,
): Promise<AuditVerification> {
  const checkpoint: Checkpoint | undefined = anchor.state === 'ok' ? anchor.checkpoint : undefined;
  const summary = checkpoint ? { seq: checkpoint.seq, at: checkpoint.at } : null;
  const walk: Walk = { previousHash: GENESIS_HASH, previousId: 0, keyed: false };
  let entries = 0;
  const broken = (firstBrokenId: number, why: string): AuditVerification => ({
    ok: false,
    entries,
    firstBrokenId,
    why,
    checkpoint: summary,
  });
  for await (const row of rows) {
    entries++;
    // Without a checkpoint the boundary is unknown: entries are keyed from the first one with a MAC.
    walk.keyed = checkpoint ? row.id > checkpoint.legacyThrough : walk.keyed || row.mac !== null;
    const problem = rowProblem(row, walk, key);
    if (problem) return broken(problem.id, problem.why);
    if (checkpoint && row.id === checkpoint.legacyThrough && row.hash !== checkpoint.legacyHead) {
      const why = `the entries written before the audit was keyed (up to ${row.id}) do not match the checkpoint: one of them was rewritten`;
      return broken(row.id, why);
    }
    if (checkpoint && row.id === checkpoint.seq && row.hash !== checkpoint.head) {
      return broken(
        row.id,
        `it does not match the checkpoint of ${checkpoint.at}: it or an entry before it was rewritten`,
      );
    }
    walk.previousHash = row.hash;
    walk.previousId = row.id;
  }
  const problem = anchorProblem(anchor);
  if (problem) return broken(walk.previousId + 1, problem);
  if (checkpoint && walk.previousId < checkpoint.seq) {
    const why = `${missing(walk.previousId + 1, checkpoint.seq)}: the checkpoint of ${checkpoint.at} records entry ${checkpoint.seq} as the newest`;
    return broken(walk.previousId + 1, why);
  }
  return { ok: true, entries, checkpoint: summary };
}
