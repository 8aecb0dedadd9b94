/**
 * The anchor file: checkpoints of the audit chain's head, one JSON line
 * each, appended outside the database (default `DATA_DIR/audit-anchors.jsonl`,
 * `AUDIT_ANCHOR_FILE`; ideally on another volume or shipped off the host).
 * Only its newest valid line is needed to verify, so it may be cut down to
 * its last line at any time; reading it costs at most its last 64 KiB.
 *
 * Cutting it back to an older line needs no key (every older line is still
 * validly MAC'd): against that, the checkpoints also go to the server log
 * (`auditCheckpoint`), to be shipped off the host, and each checkpoint MACs
 * the previous one's MAC (`prev`), so `audit:verify --checkpoint '<line>'`
 * finds a file cut back behind a shipped checkpoint (`auditShipped.ts`).
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { type Checkpoint, macOfCheckpoint, sameMac } from './auditChain';

/** What the anchor file says. */
export type AnchorReading =
  | { state: 'missing' }
  /** The file exists but holds no checkpoint (an empty file). */
  | { state: 'empty' }
  /** Its newest complete line is not a checkpoint made with the audit key. */
  | { state: 'altered'; line: string }
  | { state: 'ok'; checkpoint: Checkpoint };

const TAIL_BYTES = 64 * 1024;

function readTail(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // A tail that starts mid-line: drop the partial first line.
    return size > length ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    closeSync(fd);
  }
}

/** Whether `value` has a checkpoint's fields (version 1 or 2); its MAC is checked apart. */
export function isCheckpoint(value: unknown): value is Checkpoint {
  const c = value as Checkpoint;
  if (typeof c !== 'object' || c === null) return false;
  const versioned = c.v === 1 || (c.v === 2 && Number.isSafeInteger(c.schema) && typeof c.prev === 'string');
  return (
    versioned &&
    Number.isSafeInteger(c.seq) &&
    typeof c.head === 'string' &&
    typeof c.at === 'string' &&
    Number.isSafeInteger(c.legacyThrough) &&
    typeof c.legacyHead === 'string' &&
    (c.note === undefined || typeof c.note === 'string') &&
    typeof c.mac === 'string'
  );
}

export class AnchorFile {
  constructor(readonly path: string) {}

  /** Appends a checkpoint line (file mode 0600). @throws on a write error (e.g. ENOSPC) */
  append(checkpoint: Checkpoint): void {
    appendFileSync(this.path, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  }

  /** Whether the file exists. */
  exists(): boolean {
    return existsSync(this.path);
  }

  /**
   * The newest checkpoint, checked with `key`. A last line without its
   * newline (a write cut short by a crash) is skipped; a complete line that
   * is not valid JSON or not MAC'd with the key makes the reading `altered`.
   */
  read(key: Buffer): AnchorReading {
    const tail = readTail(this.path);
    if (tail === undefined) return { state: 'missing' };
    const lines = tail.split('\n');
    lines.pop(); // after the last newline: empty, or a torn write
    const last = lines.filter((line) => line.trim() !== '').at(-1);
    if (last === undefined) return { state: 'empty' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(last);
    } catch {
      return { state: 'altered', line: last };
    }
    if (!isCheckpoint(parsed)) return { state: 'altered', line: last };
    const { mac, ...fields } = parsed;
    if (!sameMac(macOfCheckpoint(key, fields), mac)) return { state: 'altered', line: last };
    return { state: 'ok', checkpoint: parsed };
  }
}
