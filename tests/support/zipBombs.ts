/**
 * ZIP archives written byte by byte, so a test can make the archives no
 * ZIP writer makes: entries that lie about their size, central-directory
 * entries that share one data stream, thousands of entries, and a classic
 * bomb of gigabytes of zeros in ten megabytes.
 */
import { constants, deflateRawSync } from 'node:zlib';

/** One entry's data as written in the file. */
export interface LocalPart {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** The bytes after the local header (compressed when deflated). */
  data: Uint8Array;
  /** The size the entry claims to unpack to (may lie; above 4 GiB it is written as ZIP64). */
  uncompressedSize: number;
}

/** A central-directory entry: which local part it points at, under which name. */
export interface CentralPart {
  local: number;
  name: string;
}

const ZIP64_MARK = 0xffffffff;

function zip64Extra(uncompressedSize: number, compressedSize: number): Buffer {
  const extra = Buffer.alloc(4 + 16);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  extra.writeBigUInt64LE(BigInt(uncompressedSize), 4);
  extra.writeBigUInt64LE(BigInt(compressedSize), 12);
  return extra;
}

interface Sizes {
  compressed: number;
  uncompressed: number;
  extra: Buffer;
}

function sizesOf(part: LocalPart): Sizes {
  if (part.uncompressedSize < ZIP64_MARK) {
    return { compressed: part.data.length, uncompressed: part.uncompressedSize, extra: Buffer.alloc(0) };
  }
  return {
    compressed: ZIP64_MARK,
    uncompressed: ZIP64_MARK,
    extra: zip64Extra(part.uncompressedSize, part.data.length),
  };
}

function localHeader(part: LocalPart): Buffer {
  const name = Buffer.from(part.name, 'utf8');
  const sizes = sizesOf(part);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(45, 4);
  header.writeUInt16LE(0x0800, 6); // UTF-8 names
  header.writeUInt16LE(part.method, 8);
  header.writeUInt16LE(0x21, 12); // 1980-01-01
  header.writeUInt32LE(sizes.compressed, 18);
  header.writeUInt32LE(sizes.uncompressed, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(sizes.extra.length, 28);
  return Buffer.concat([header, name, sizes.extra]);
}

function centralHeader(part: LocalPart, name: string, offset: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const sizes = sizesOf(part);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(45, 4);
  header.writeUInt16LE(45, 6);
  header.writeUInt16LE(0x0800, 8);
  header.writeUInt16LE(part.method, 10);
  header.writeUInt16LE(0x21, 14);
  header.writeUInt32LE(sizes.compressed, 20);
  header.writeUInt32LE(sizes.uncompressed, 24);
  header.writeUInt16LE(nameBytes.length, 28);
  header.writeUInt16LE(sizes.extra.length, 30);
  header.writeUInt32LE(offset, 42);
  return Buffer.concat([header, nameBytes, sizes.extra]);
}

/** A ZIP archive of `locals`, whose central directory lists `centrals` (by default: each local once). */
export function buildZip(
  locals: LocalPart[],
  centrals: CentralPart[] = locals.map((part, local) => ({ local, name: part.name })),
): Buffer {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const part of locals) {
    offsets.push(offset);
    const header = localHeader(part);
    chunks.push(header, Buffer.from(part.data));
    offset += header.length + part.data.length;
  }
  const directoryStart = offset;
  for (const central of centrals) {
    const part = locals[central.local] as LocalPart;
    const header = centralHeader(part, central.name, offsets[central.local] ?? 0);
    chunks.push(header);
    offset += header.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(centrals.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(centrals.length, 0xffff), 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  chunks.push(end);
  return Buffer.concat(chunks);
}

const ZEROS_PER_BLOCK = 64 * 1024 * 1024;

/**
 * A raw DEFLATE stream of at least `approxCompressedBytes` that inflates to
 * zeros: 64 MiB of zeros deflated once (about 65 KB, non-final blocks ending
 * in a sync flush) repeated, then a final empty block. Returns the stream and
 * how many bytes it inflates to.
 */
export function zerosBomb(approxCompressedBytes: number): { data: Buffer; inflatedBytes: number } {
  const block = deflateRawSync(Buffer.alloc(ZEROS_PER_BLOCK), {
    level: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const copies = Math.max(1, Math.ceil(approxCompressedBytes / block.length));
  const finalBlock = deflateRawSync(Buffer.alloc(0));
  const data = Buffer.concat([...Array.from({ length: copies }, () => block), finalBlock]);
  return { data, inflatedBytes: copies * ZEROS_PER_BLOCK };
}
