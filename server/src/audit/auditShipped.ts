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
 * - every later checkpoint must MAC its predecessor's MAC (`prev`, version
 *   2): no line was removed or replaced after it;
 * - the database must reach its entry and hold the hash it records.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AnchorFile, isCheckpoint } from './auditAnchor';
import { type Checkpoint, macOfCheckpoint, sameMac } from './auditChain';
import type { AuditStore } from './auditStore';

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
 * it must each MAC their predecessor's MAC. A problem, or undefined (also when the file was only
 * cut down to lines newer than it, which the file allows).
 */
async function anchorProblem(anchor: AnchorFile, shipped: Checkpoint): Promise<string | undefined> {
  let older: Checkpoint | undefined;
  let previousMac: string | undefined;
  for await (const checkpoint of fileCheckpoints(anchor)) {
    if (previousMac !== undefined) {
      if (checkpoint.v === 2 && checkpoint.prev !== previousMac) {
        return `the anchor file's checkpoint of ${checkpoint.at} does not follow the one before it: checkpoints after ${described(shipped)} were removed or replaced`;
      }
      previousMac = checkpoint.mac;
    } else if (checkpoint.mac === shipped.mac) previousMac = checkpoint.mac;
    else if (checkpoint.at < shipped.at) older = checkpoint;
    else if (older) {
      return `the anchor file was cut back: it holds checkpoints from before and after ${described(shipped)}, but not that one (it goes on from ${older.at}, entry ${older.seq})`;
    }
  }
  if (previousMac === undefined && older) {
    return `the anchor file was cut back: its newest checkpoint (${older.at}, entry ${older.seq}) is older than ${described(shipped)}`;
  }
  return undefined;
}

/** What the database says against `shipped`; a problem, or undefined. */
function databaseProblem(store: AuditStore, shipped: Checkpoint): { id: number; why: string } | undefined {
  const newest = store.head()?.seq ?? 0;
  if (newest < shipped.seq) {
    return {
      id: newest + 1,
      why: `the log ends at entry ${newest}, but ${described(shipped)} records entry ${shipped.seq}: the entries after ${newest} were removed (or an older backup restored)`,
    };
  }
  const hash = store.hashOf(shipped.seq);
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
  store: AuditStore,
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
