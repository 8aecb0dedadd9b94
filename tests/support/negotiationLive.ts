import {
  MessageType,
  type NegotiationEvent,
  type RangeAnchor,
  type ServerNotice,
  SyncMessageType,
} from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';

export interface NegotiationNotice {
  seq: number;
  event: NegotiationEvent;
}

/** The Draftroom notice a binary frame carries, or undefined for any other frame. */
export function noticeOf(frame: Uint8Array): ServerNotice | undefined {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== MessageType.Notice) return undefined;
  return JSON.parse(decoding.readVarString(decoder)) as ServerNotice;
}

/** The `negotiation` notices among the frames a raw socket received, in order. */
export function negotiationNotices(frames: readonly Uint8Array[]): NegotiationNotice[] {
  const notices: NegotiationNotice[] = [];
  for (const frame of frames) {
    const notice = noticeOf(frame);
    if (notice?.kind === 'negotiation') notices.push({ seq: notice.seq, event: notice.event });
  }
  return notices;
}

/**
 * Makes a y-websocket provider handle Draftroom notices (type 8) the way the
 * client does, recording every notice in the returned array.
 */
export function recordProviderNotices(provider: WebsocketProvider): ServerNotice[] {
  const notices: ServerNotice[] = [];
  provider.messageHandlers[MessageType.Notice] = (_encoder, decoder) => {
    notices.push(JSON.parse(decoding.readVarString(decoder)) as ServerNotice);
  };
  return notices;
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** The plain text of a Y.XmlText (no formatting marks). */
export function plain(text: Y.XmlText): string {
  return (text.toDelta() as { insert: unknown }[])
    .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
    .join('');
}

/** A range anchor on `[start, end)` of `text`, built as the client builds it. */
export function anchorFor(text: Y.XmlText, start: number, end: number): RangeAnchor {
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, start))),
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, end))),
    quote: plain(text).slice(start, end),
  };
}

/** Where an anchor's ends are now in `doc`: absolute indexes in their type, or null when unresolvable. */
export function resolveAnchor(
  doc: Y.Doc,
  anchor: RangeAnchor,
): { type: Y.AbstractType<unknown>; start: number; end: number } | null {
  const start = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(fromBase64(anchor.start)),
    doc,
  );
  const end = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(fromBase64(anchor.end)),
    doc,
  );
  if (!start || !end || start.type !== end.type) return null;
  return { type: start.type as Y.AbstractType<unknown>, start: start.index, end: end.index };
}

/** The text an anchor delimits in `doc` now. */
export function anchoredText(doc: Y.Doc, anchor: RangeAnchor): string | null {
  const resolved = resolveAnchor(doc, anchor);
  if (!resolved || !(resolved.type instanceof Y.XmlText)) return null;
  return plain(resolved.type).slice(resolved.start, resolved.end);
}

/** The id of the clause at `index` in document order. */
export function clauseIdAt(doc: Y.Doc, index: number): string {
  const clause = readClauses(doc)[index];
  if (!clause) throw new Error(`no clause ${index}`);
  return clause.id;
}

/** `[Sync, Step2, update]`: what a (re)connecting client answers to the server's sync step 1. */
export function syncStep2Message(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, SyncMessageType.Step2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
