/**
 * Holds the audit log and its anchor file against a checkpoint that was
 * shipped off the host (an `auditCheckpoint` line of the server log):
 * `pnpm admin audit:verify --checkpoint '<json>'`.
 *
 * Someone who can write `DATA_DIR` but has not the audit key can still roll
 * the log back: delete the newest entries and cut the anchor file back to
 * an older line, which is validly MAC'd. Nothing on the host tells that
 * state from a log that never went further; a checkpoint kept elsewhere
 * does. Against it:
 * - its MAC must be the audit key's (it is a real checkpoint);
 * - the anchor file must still hold it: a file with checkpoints from before
 *   it but not it was cut back behind it (and perhaps written on since);
 * - every later checkpoint must MAC the MAC of a checkpoint before it in the
 *   file (`prev`, version 2; one writer: the line before it): no line was
 *   removed or replaced after it. Instances sharing the file each chain to
 *   the newest line they find, so two that write at once may chain to the
 *   same one;
 * - the database must reach its entry and hold the hash it records.
 *
 * The checkpoint is held against the anchor file it was written to: an
 * instance with an anchor file of its own (another host) writes its own
 * lines, so check its shipped checkpoints with its AUDIT_ANCHOR_FILE (keep
 * each host's shipped server log apart: the lines do not name the host).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AnchorFile, isCheckpoint } from './auditAnchor';
import { type Checkpoint, GENESIS_HASH, macOfCheckpoint, sameMac } from './auditChain';
import type { AuditRepository } from './auditStore';

/**
 * The checkpoint in `text`: a checkpoint object, or a whole server log line carrying one as
 * `auditCheckpoint`.
 * @throws when `text` is not JSON or holds no checkpoint
 */
export function parseShippedCheckpoint(text: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('--checkpoint is not JSON: give an auditCheckpoint line of the server log');
  }
  const candidate = (parsed as { auditCheckpoint?: unknown } | null)?.auditCheckpoint ?? parsed;
  if (!isCheckpoint(candidate)) throw new Error('--checkpoint holds no audit checkpoint');
  return candidate;
}

function described(checkpoint: Checkpoint): string {
  return `the shipped checkpoint of ${checkpoint.at} (entry ${checkpoint.seq})`;
}

/** The anchor file's checkpoints in order (lines that are not checkpoints, such as a torn last line, skipped). */
async function* fileCheckpoints(anchor: AnchorFile): AsyncGenerator<Checkpoint> {
  const input = createReadStream(anchor.path);
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    let checkpoint: unknown;
    try {
      checkpoint = JSON.parse(line);
    } catch {
      continue; // a torn last line; a complete bad line shows in the normal verification
    }
    if (isCheckpoint(checkpoint)) yield checkpoint;
  }
}

/**
 * Whether the anchor file still holds `shipped` where it belongs: a file that holds checkpoints
 * from before it and none of it, or whose newest one is older, was cut back; the checkpoints after
 * it must each MAC the MAC of a checkpoint before them. A problem, or undefined (also when the file
 * was only cut down to lines newer than it, which the file allows).
 */
async function anchorProblem(anchor: AnchorFile, shipped: Checkpoint): Promise<string | undefined> {
  let older: Checkpoint | undefined;
  let found = false;
  const before = new Set<string>();
  for await (const checkpoint of fileCheckpoints(anchor)) {
    if (found) {
      if (checkpoint.v === 2 && !before.has(checkpoint.prev)) {
        return `the anchor file's checkpoint of ${checkpoint.at} does not follow the ones before it: checkpoints after ${described(shipped)} were removed or replaced`;
      }
    } else if (checkpoint.mac === shipped.mac) found = true;
    // A checkpoint of the same millisecond counts as written before it.
    else if (checkpoint.at <= shipped.at) older = checkpoint;
    else if (older) {
      return `the anchor file was cut back: it holds checkpoints from before and after ${described(shipped)}, but not that one (it goes on from ${older.at}, entry ${older.seq})`;
    }
    before.add(checkpoint.mac);
  }
  if (!found && older) {
    return `the anchor file was cut back: its newest checkpoint (${older.at}, entry ${older.seq}) is older than ${described(shipped)}`;
  }
  return undefined;
}

/** What the database says against `shipped`; a problem, or undefined. */
async function databaseProblem(
  store: Pick<AuditRepository, 'head' | 'hashOf'>,
  shipped: Checkpoint,
): Promise<{ id: number; why: string } | undefined> {
  const newest = (await store.head())?.seq ?? 0;
  if (newest < shipped.seq) {
    return {
      id: newest + 1,
      why: `the log ends at entry ${newest}, but ${described(shipped)} records entry ${shipped.seq}: the entries after ${newest} were removed (or an older backup restored)`,
    };
  }
  // Entry 0 is the genesis: a checkpoint of the empty log (a new log's first) records its hash.
  const hash = shipped.seq === 0 ? GENESIS_HASH : await store.hashOf(shipped.seq);
  if (hash === undefined)
    return { id: shipped.seq, why: `entry ${shipped.seq}, recorded by ${described(shipped)}, is missing` };
  if (hash !== shipped.head) {
    return {
      id: shipped.seq,
      why: `it does not match ${described(shipped)}: it or an entry before it was rewritten, or removed and written again`,
    };
  }
  return undefined;
}

/**
 * The first problem of the log and anchor file against `shipped`, with the entry to name; undefined
 * when they agree.
 */
export async function shippedCheckpointProblem(
  store: Pick<AuditRepository, 'head' | 'hashOf'>,
  anchor: AnchorFile,
  key: Buffer,
  shipped: Checkpoint,
): Promise<{ id: number; why: string } | undefined> {
  const { mac, ...fields } = shipped;
  if (!sameMac(macOfCheckpoint(key, fields), mac)) {
    return { id: shipped.seq, why: 'the shipped checkpoint was not made with this audit key' };
  }
  if (anchor.exists()) {
    const problem = await anchorProblem(anchor, shipped);
    if (problem) return { id: shipped.seq, why: problem };
  }
  return databaseProblem(store, shipped);
}
