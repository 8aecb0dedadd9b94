import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { BusFrameError, BusMessageError } from '../../errors';
import {
  ACCESS_CHANGE_KINDS,
  type BusMessage,
  type Delivered,
  MAX_BUS_ID_LENGTH,
  type NoticeMessage,
} from './messages';

/**
 * The binary frame of one bus message (a Redis channel message):
 *
 *   u8 format version (1) · u8 type (1 update, 2 presence, 3 notice, 4 locks, 5 access) ·
 *   varString origin instance id · the type's fields:
 *   - update:   varString documentId · varUint previousUpdateId · varUint lastUpdateId ·
 *               u8 hasBytes (0|1) · [varUint8Array update]
 *   - presence: varString documentId · varUint8Array payload
 *   - notice:   varString documentId · varString notice JSON
 *   - locks:    varString documentId · varString clauseId · u8 locked (0|1)
 *   - access:   varString userId · u8 hasDocument (0|1) · [varString documentId] · u8 kind index
 *
 * Yjs and awareness bytes are carried as they are (no JSON, no base64). A
 * frame must end exactly where its last field ends.
 */
export const BUS_FRAME_VERSION = 1;

const TYPE_CODES = { update: 1, presence: 2, notice: 3, locks: 4, access: 5 } as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a message before it is published: ids are non-empty strings of at
 * most {@link MAX_BUS_ID_LENGTH} code units, update ids are safe integers
 * with lastUpdateId > previousUpdateId ≥ 0, the notice is a JSON object with
 * a string `kind`. Throws BusMessageError naming what is wrong.
 */
export function checkMessage(message: BusMessage): void {
  if (message.type === 'access') {
    checkId('userId', message.userId);
    if (message.documentId !== null) checkId('documentId', message.documentId);
    if (!ACCESS_CHANGE_KINDS.includes(message.kind)) throw new BusMessageError(`unknown access change kind`);
    return;
  }
  checkId('documentId', message.documentId);
  if (message.type === 'update') {
    const { previousUpdateId: previous, lastUpdateId: last } = message;
    if (!Number.isSafeInteger(previous) || previous < 0)
      throw new BusMessageError('previousUpdateId must be an integer ≥ 0');
    if (!Number.isSafeInteger(last) || last <= previous)
      throw new BusMessageError('lastUpdateId must be an integer greater than previousUpdateId');
  } else if (message.type === 'locks') {
    checkId('clauseId', message.clauseId);
  } else if (message.type === 'notice') {
    if (!isNotice(message.notice)) throw new BusMessageError('a notice must be an object with a string kind');
  }
}

function checkId(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_BUS_ID_LENGTH)
    throw new BusMessageError(`${name} must be a string of 1 to ${MAX_BUS_ID_LENGTH} characters`);
}

function isNotice(value: unknown): value is NoticeMessage['notice'] {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

/**
 * Encodes `message`, published by instance `origin`, as one frame (layout
 * above). Expects a message that passed {@link checkMessage}.
 */
export function encodeFrame(origin: string, message: BusMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, BUS_FRAME_VERSION);
  encoding.writeUint8(encoder, TYPE_CODES[message.type]);
  encoding.writeVarString(encoder, origin);
  switch (message.type) {
    case 'update':
      encoding.writeVarString(encoder, message.documentId);
      encoding.writeVarUint(encoder, message.previousUpdateId);
      encoding.writeVarUint(encoder, message.lastUpdateId);
      encoding.writeUint8(encoder, message.update ? 1 : 0);
      if (message.update) encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'presence':
      encoding.writeVarString(encoder, message.documentId);
      encoding.writeVarUint8Array(encoder, message.payload);
      break;
    case 'notice':
      encoding.writeVarString(encoder, message.documentId);
      encoding.writeVarString(encoder, JSON.stringify(message.notice));
      break;
    case 'locks':
      encoding.writeVarString(encoder, message.documentId);
      encoding.writeVarString(encoder, message.clauseId);
      encoding.writeUint8(encoder, message.locked ? 1 : 0);
      break;
    case 'access':
      encoding.writeVarString(encoder, message.userId);
      encoding.writeUint8(encoder, message.documentId === null ? 0 : 1);
      if (message.documentId !== null) encoding.writeVarString(encoder, message.documentId);
      encoding.writeUint8(encoder, ACCESS_CHANGE_KINDS.indexOf(message.kind));
      break;
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Decodes one frame of at most `maxFrameBytes` bytes. The byte arrays of the
 * result are copies (they do not keep the received buffer alive). Throws
 * BusFrameError when the frame is larger than the cap, of another format
 * version, truncated, longer than its fields, or holds a field out of range
 * (an id too long or empty, bad UTF-8, a notice that is not a JSON object
 * with a string kind, update ids out of order).
 */
export function decodeFrame(bytes: Uint8Array, maxFrameBytes: number): Delivered<BusMessage> {
  if (bytes.length > maxFrameBytes)
    throw new BusFrameError(`frame of ${bytes.length} bytes exceeds the cap of ${maxFrameBytes}`);
  const reader = new FrameReader(bytes);
  const version = reader.uint8();
  if (version !== BUS_FRAME_VERSION) throw new BusFrameError(`unknown frame version ${version}`);
  const typeCode = reader.uint8();
  const origin = reader.id('origin');
  const message = readFields(reader, typeCode);
  reader.end();
  checkDecoded(message);
  return { ...message, origin };
}

function readFields(reader: FrameReader, typeCode: number): BusMessage {
  switch (typeCode) {
    case TYPE_CODES.update: {
      const documentId = reader.id('documentId');
      const previousUpdateId = reader.varUint();
      const lastUpdateId = reader.varUint();
      const update = reader.flag() ? reader.bytes() : null;
      return { type: 'update', documentId, previousUpdateId, lastUpdateId, update };
    }
    case TYPE_CODES.presence:
      return { type: 'presence', documentId: reader.id('documentId'), payload: reader.bytes() };
    case TYPE_CODES.notice: {
      const documentId = reader.id('documentId');
      return { type: 'notice', documentId, notice: reader.json() as NoticeMessage['notice'] };
    }
    case TYPE_CODES.locks: {
      const documentId = reader.id('documentId');
      return { type: 'locks', documentId, clauseId: reader.id('clauseId'), locked: reader.flag() };
    }
    case TYPE_CODES.access: {
      const userId = reader.id('userId');
      const documentId = reader.flag() ? reader.id('documentId') : null;
      const kind = ACCESS_CHANGE_KINDS[reader.uint8()];
      if (!kind) throw new BusFrameError('unknown access change kind');
      return { type: 'access', userId, documentId, kind };
    }
    default:
      throw new BusFrameError(`unknown message type ${typeCode}`);
  }
}

function checkDecoded(message: BusMessage): void {
  try {
    checkMessage(message);
  } catch (error) {
    throw new BusFrameError((error as Error).message);
  }
}

/** Reads the fields of one frame, each checked against the frame's end. */
class FrameReader {
  private readonly decoder: decoding.Decoder;

  constructor(private readonly frame: Uint8Array) {
    this.decoder = decoding.createDecoder(frame);
  }

  uint8(): number {
    this.need(1);
    return decoding.readUint8(this.decoder);
  }

  flag(): boolean {
    const value = this.uint8();
    if (value > 1) throw new BusFrameError(`a flag holds ${value}`);
    return value === 1;
  }

  varUint(): number {
    try {
      return decoding.readVarUint(this.decoder);
    } catch {
      throw new BusFrameError('a number is truncated or out of range');
    }
  }

  /** A copy of the next length-prefixed bytes. */
  bytes(): Uint8Array {
    const length = this.varUint();
    this.need(length);
    return decoding.readUint8Array(this.decoder, length).slice();
  }

  text(): string {
    const length = this.varUint();
    this.need(length);
    try {
      return strictUtf8.decode(decoding.readUint8Array(this.decoder, length));
    } catch {
      throw new BusFrameError('a string is not valid UTF-8');
    }
  }

  id(name: string): string {
    const value = this.text();
    if (value.length === 0 || value.length > MAX_BUS_ID_LENGTH)
      throw new BusFrameError(`${name} is empty or longer than ${MAX_BUS_ID_LENGTH} characters`);
    return value;
  }

  json(): unknown {
    const text = this.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new BusFrameError('a notice is not JSON');
    }
  }

  end(): void {
    if (this.decoder.pos !== this.frame.length)
      throw new BusFrameError(`${this.frame.length - this.decoder.pos} bytes after the last field`);
  }

  private need(length: number): void {
    if (length > this.frame.length - this.decoder.pos) throw new BusFrameError('the frame is truncated');
  }
}
