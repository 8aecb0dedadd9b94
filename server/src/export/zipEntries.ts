/**
 * Reads entries of a ZIP archive (a DOCX is one) through its central
 * directory, with node:zlib for deflated entries. Enough for reading back
 * the parts of a document; no ZIP64, no encryption.
 */
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export class InvalidZipError extends Error {
  constructor(reason: string) {
    super(`Not a readable ZIP archive: ${reason}`);
    this.name = 'InvalidZipError';
  }
}

interface CentralEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let offset = zip.length - 22; offset >= earliest; offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new InvalidZipError('no end of central directory');
}

function centralEntries(zip: Buffer): CentralEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: CentralEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new InvalidZipError('broken central directory');
    }
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryData(zip: Buffer, entry: CentralEntry): Buffer {
  const header = entry.localHeaderOffset;
  if (header + 30 > zip.length || zip.readUInt32LE(header) !== LOCAL_FILE_HEADER) {
    throw new InvalidZipError(`broken entry ${entry.name}`);
  }
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === STORED) return data;
  if (entry.method === DEFLATED) return inflateRawSync(data);
  throw new InvalidZipError(`unsupported compression method ${entry.method} for ${entry.name}`);
}

/** The text of the archive's entries whose names pass `wanted`, by name. */
export function readZipTextEntries(
  archive: Uint8Array,
  wanted: (name: string) => boolean,
): Map<string, string> {
  const zip = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  if (zip.length < 22) throw new InvalidZipError('too short');
  const texts = new Map<string, string>();
  for (const entry of centralEntries(zip)) {
    if (wanted(entry.name)) texts.set(entry.name, entryData(zip, entry).toString('utf8'));
  }
  return texts;
}
