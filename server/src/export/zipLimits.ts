/**
 * Bounds on reading an uploaded ZIP archive (a DOCX is one), so a zip bomb
 * costs at most a few megabytes and milliseconds: how many entries, how many
 * bytes one entry and all entries may inflate to, and how far one entry may
 * expand. Declared sizes are checked first (cheap refusals) but never
 * trusted: the inflated bytes are counted as they come and inflating stops
 * as soon as a bound is crossed.
 */

/** The bounds; every one is a server setting (see `config.ts`). */
export interface ZipLimits {
  /** Entries the central directory may list (`MAX_UPLOAD_ENTRIES`, default 1,000). */
  maxEntries: number;
  /** Bytes one entry may inflate to (`MAX_UPLOAD_ENTRY_INFLATED_BYTES`, default 16 MiB). */
  maxEntryBytes: number;
  /** Bytes all entries together may inflate to (`MAX_UPLOAD_INFLATED_BYTES`, default 64 MiB). */
  maxTotalBytes: number;
  /**
   * Inflated bytes per compressed byte of one entry, and of all entries together per byte of the
   * uploaded file (`MAX_INFLATE_RATIO`, default 200).
   */
  maxRatio: number;
}

/**
 * Entries that inflate to less than this are not held to the ratio: a tiny
 * part (an empty relationship list, a one-line XML) may compress absurdly
 * well without costing anything. The same floor holds for the archive as a
 * whole: up to 1 MiB of parts together is never refused for its ratio.
 */
export const RATIO_EXEMPT_BYTES = 1024 * 1024;

/**
 * Why an archive is refused: 413 when it is too large (entries, inflated
 * bytes), 422 when it is not a plausible DOCX (overlapping entries, a ratio
 * no document reaches, sizes that lie).
 */
export class ZipRefusal extends Error {
  constructor(
    readonly status: 413 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ZipRefusal';
  }
}

const MIB = 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}

/** What the central directory says about an entry (sizes and offset are claims, not facts). */
export interface DeclaredEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The smallest local file header (30 bytes before the name and extra field). */
const LOCAL_HEADER_BYTES = 30;

/**
 * Refuses an archive whose central directory already shows it is a bomb, in
 * this order: too many entries (413); entries whose data overlap (422: many
 * directory entries pointing into one stream, which no ZIP writer makes;
 * each data range is taken at its smallest, a 30-byte header and no name, so
 * only real overlaps are refused); a declared size past a bound (413) or a
 * declared ratio past the bound (422); the declared sizes together past the
 * total bound (413) or past the ratio times `archiveBytes` (422: many parts
 * each under the exempt size, 63 footers of 1 MiB in a 70 KiB file).
 * @param archiveBytes the uploaded file's size in bytes (omitted: no ratio for the whole)
 * @throws ZipRefusal
 */
export function checkDeclaredEntries(
  entries: readonly DeclaredEntry[],
  limits: ZipLimits,
  archiveBytes?: number,
): void {
  if (entries.length > limits.maxEntries) throw tooManyEntries(limits);
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let index = 1; index < byOffset.length; index++) {
    const previous = byOffset[index - 1] as DeclaredEntry;
    const current = byOffset[index] as DeclaredEntry;
    const previousEnd = previous.localHeaderOffset + LOCAL_HEADER_BYTES + previous.compressedSize;
    if (current.localHeaderOffset < previousEnd) {
      throw new ZipRefusal(
        422,
        `Not a plausible DOCX: the parts ${previous.name} and ${current.name} overlap in the file.`,
      );
    }
  }
  let declaredTotal = 0;
  for (const entry of entries) {
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      throw new ZipRefusal(
        413,
        `The part ${entry.name} would unpack to more than ${mebibytes(limits.maxEntryBytes)}.`,
      );
    }
    declaredTotal += entry.uncompressedSize;
    checkRatio(entry.name, entry.uncompressedSize, entry.compressedSize, limits);
  }
  if (declaredTotal > limits.maxTotalBytes) {
    throw new ZipRefusal(413, `The file would unpack to more than ${mebibytes(limits.maxTotalBytes)}.`);
  }
  if (archiveBytes !== undefined) checkArchiveRatio(declaredTotal, archiveBytes, limits);
}

/**
 * @throws ZipRefusal (422) when the parts together (`inflated` bytes) expand more than the ratio
 * times the uploaded file's `archiveBytes`, past the exempt size
 */
export function checkArchiveRatio(inflated: number, archiveBytes: number, limits: ZipLimits): void {
  if (inflated <= RATIO_EXEMPT_BYTES) return;
  if (inflated > limits.maxRatio * Math.max(archiveBytes, 1)) {
    throw new ZipRefusal(
      422,
      `Not a plausible DOCX: its parts together expand more than ${limits.maxRatio} times the file's size (a zip bomb?).`,
    );
  }
}

/** The refusal of an archive with more entries than `limits.maxEntries` (413). */
export function tooManyEntries(limits: ZipLimits): ZipRefusal {
  return new ZipRefusal(413, `The file has more than ${limits.maxEntries} parts; a DOCX has far fewer.`);
}

/** @throws ZipRefusal (422) when `inflated` bytes from `compressed` exceed the ratio (past the exempt size). */
export function checkRatio(name: string, inflated: number, compressed: number, limits: ZipLimits): void {
  if (inflated <= RATIO_EXEMPT_BYTES) return;
  if (inflated > limits.maxRatio * Math.max(compressed, 1)) {
    throw new ZipRefusal(
      422,
      `Not a plausible DOCX: the part ${name} expands more than ${limits.maxRatio} times (a zip bomb?).`,
    );
  }
}

/**
 * Counts inflated bytes of the archive as they arrive, entry by entry.
 * @throws ZipRefusal (413) as soon as an entry or the total passes its bound; (422) as soon as an
 * entry, or all entries together against the archive's size, pass the ratio
 */
export class InflateBudget {
  private total = 0;

  /** @param archiveBytes the uploaded file's size in bytes (omitted: no ratio for the whole) */
  constructor(
    private readonly limits: ZipLimits,
    private readonly archiveBytes?: number,
  ) {}

  /** Adds `bytes` more of `entry` (which has inflated `entrySoFar` bytes including them). */
  spend(entry: DeclaredEntry, bytes: number, entrySoFar: number): void {
    this.total += bytes;
    if (entrySoFar > this.limits.maxEntryBytes) {
      throw new ZipRefusal(
        413,
        `The part ${entry.name} unpacks to more than ${mebibytes(this.limits.maxEntryBytes)}.`,
      );
    }
    if (this.total > this.limits.maxTotalBytes) {
      throw new ZipRefusal(413, `The file unpacks to more than ${mebibytes(this.limits.maxTotalBytes)}.`);
    }
    checkRatio(entry.name, entrySoFar, entry.compressedSize, this.limits);
    if (this.archiveBytes !== undefined) checkArchiveRatio(this.total, this.archiveBytes, this.limits);
  }
}
