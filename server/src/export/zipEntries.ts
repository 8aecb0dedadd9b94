/**
 * Reads entries of an uploaded ZIP archive (a DOCX is one) with yauzl, which
 * follows the central directory, inflates through node:zlib streams (off the
 * JavaScript thread) and checks every entry's inflated size against the size
 * it declares. The bounds of `zipLimits.ts` are applied on top: declared
 * sizes and overlaps before anything is inflated, then the inflated bytes as
 * they arrive, stopping the inflater at the first byte past a bound. Wanted
 * entries are streamed to their readers a slice at a time, with a turn of
 * the event loop between slices; entries nobody wants are never inflated.
 */
import type { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import {
  checkDeclaredEntries,
  type DeclaredEntry,
  InflateBudget,
  tooManyEntries,
  type ZipLimits,
  ZipRefusal,
} from './zipLimits';

export { type ZipLimits, ZipRefusal } from './zipLimits';

/** The archive cannot be read as ZIP at all (not a ZIP, truncated, encrypted, unknown compression). */
export class InvalidZipError extends Error {
  constructor(reason: string) {
    super(`Not a readable ZIP archive: ${reason}`);
    this.name = 'InvalidZipError';
  }
}

/** yauzl's messages when an entry's data disagrees with its declared size. */
const SIZE_MISMATCH =
  /too many bytes in the stream|not enough bytes in the stream|expected uncompressed size/i;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function openArchive(archive: Uint8Array): Promise<ZipFile> {
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  try {
    return await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true });
  } catch (error) {
    throw new InvalidZipError(reasonOf(error));
  }
}

/** Every entry of the central directory, refusing the archive once it lists more than the limit. */
async function listEntries(zipfile: ZipFile, limits: ZipLimits): Promise<Entry[]> {
  if (zipfile.entryCount > limits.maxEntries) throw tooManyEntries(limits);
  const entries: Entry[] = [];
  try {
    for await (const entry of zipfile.eachEntry()) {
      entries.push(entry);
      if (entries.length > limits.maxEntries) break;
    }
  } catch (error) {
    throw new InvalidZipError(reasonOf(error));
  }
  return entries;
}

function declared(entry: Entry): DeclaredEntry {
  return {
    name: entry.fileName,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    localHeaderOffset: entry.relativeOffsetOfLocalHeader,
  };
}

/** Receives the inflated bytes of one entry, in pieces of at most `ENTRY_SLICE_BYTES`. */
export interface EntrySink {
  write(chunk: Buffer): void;
  /** The entry's last byte was written. */
  end(): void;
}

/** Which entries to read, and where their bytes go. */
export interface EntryReader {
  /** Whether the entry named `name` is read; others are never inflated. */
  wants(name: string): boolean;
  /** The sink for a wanted entry, opened when its inflating starts. */
  open(name: string): EntrySink;
}

/** Inflated bytes handed to a sink at once, at most (64 KiB); the event loop gets a turn between pieces. */
export const ENTRY_SLICE_BYTES = 64 * 1024;

/** The refusal or error an entry's stream failed with, as this module reports it. */
function entryFailure(error: unknown, entry: DeclaredEntry): Error {
  if (error instanceof ZipRefusal) return error;
  if (SIZE_MISMATCH.test(reasonOf(error))) {
    return new ZipRefusal(422, `Not a plausible DOCX: the part ${entry.name} is not the size it declares.`);
  }
  return new InvalidZipError(`${entry.name}: ${reasonOf(error)}`);
}

/**
 * Streams one entry into `sink`, counting every inflated byte against `budget` before the sink sees
 * it; stops (destroying the inflater) at the first refusal. What the sink throws is passed on as is.
 */
async function readEntry(
  stream: Readable,
  entry: DeclaredEntry,
  budget: InflateBudget,
  sink: EntrySink,
): Promise<void> {
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw entryFailure(error, entry);
      }
      if (next.done) break;
      const chunk = next.value;
      size += chunk.length;
      budget.spend(entry, chunk.length, size);
      for (let start = 0; start < chunk.length; start += ENTRY_SLICE_BYTES) {
        sink.write(chunk.subarray(start, start + ENTRY_SLICE_BYTES));
        await setImmediate();
      }
    }
  } finally {
    stream.destroy();
  }
  sink.end();
}

/** Refuses an archive that lists a wanted part twice: which copy would be read is up to the reader (422). */
function checkUniqueWanted(entries: readonly Entry[], wants: (name: string) => boolean): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!wants(entry.fileName)) continue;
    if (seen.has(entry.fileName)) {
      throw new ZipRefusal(422, `Not a plausible DOCX: it has two parts named ${entry.fileName}.`);
    }
    seen.add(entry.fileName);
  }
}

/**
 * Streams the archive's entries that `reader` wants into their sinks, in archive order; the others are
 * never inflated. The central directory is checked first (`checkDeclaredEntries`, with the whole
 * archive's size for the ratio of all parts together; a wanted name listed twice is refused, 422), then
 * every inflated byte is counted as it arrives.
 * @throws ZipRefusal (413 or 422) when the archive crosses `limits`
 * @throws InvalidZipError when it cannot be read as ZIP
 */
export async function readZipEntries(
  archive: Uint8Array,
  reader: EntryReader,
  limits: ZipLimits,
): Promise<void> {
  const zipfile = await openArchive(archive);
  try {
    const entries = await listEntries(zipfile, limits);
    checkDeclaredEntries(entries.map(declared), limits, archive.byteLength);
    checkUniqueWanted(entries, (name) => reader.wants(name));
    const budget = new InflateBudget(limits, archive.byteLength);
    for (const entry of entries) {
      if (!reader.wants(entry.fileName)) continue;
      let stream: Readable;
      try {
        stream = await zipfile.openReadStreamPromise(entry);
      } catch (error) {
        throw new InvalidZipError(`${entry.fileName}: ${reasonOf(error)}`);
      }
      await readEntry(stream, declared(entry), budget, reader.open(entry.fileName));
    }
  } finally {
    zipfile.close();
  }
}

/**
 * The text (UTF-8) of the archive's entries whose names pass `wanted`, by name — for small parts
 * and tests; verification streams the parts it reads instead (`readZipEntries`).
 * @throws ZipRefusal (413 or 422) when the archive crosses `limits`
 * @throws InvalidZipError when it cannot be read as ZIP
 */
export async function readZipTextEntries(
  archive: Uint8Array,
  wanted: (name: string) => boolean,
  limits: ZipLimits,
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  await readZipEntries(
    archive,
    {
      wants: wanted,
      open: (name) => {
        const chunks: Buffer[] = [];
        return {
          write: (chunk) => chunks.push(chunk),
          end: () => texts.set(name, Buffer.concat(chunks).toString('utf8')),
        };
      },
    },
    limits,
  );
  return texts;
}
