/**
 * Bracketed passages in a document's Y.Doc, for the bracket commands: where a
 * client's range anchor lies, and the text changes of bracketing a passage and
 * of resolving a bracket. A bracket is the formatting attribute
 * `bracket: { id }` on characters of a Y.XmlText, exactly as the editor's mark
 * stores it (client/src/negotiation/editor/bracketMark.ts) and as the exports
 * read it (content/structure.ts).
 *
 * Indexes are Yjs text indexes: UTF-16 code units, an embedded element counts 1.
 */
import { BRACKET_MARK, CONTENT_FIELD, ID_ATTR, NodeName, type RangeAnchor } from '@draftroom/shared';
import * as Y from 'yjs';
import { readClauses } from '../content/outline';
import { BadRequestError, HttpError } from '../errors';

/** The formatting attribute key of a bracket (the editor's mark name; clients may not write it). */
export const BRACKET_ATTRIBUTE = BRACKET_MARK;

interface DeltaOp {
  insert: unknown;
  attributes?: Record<string, unknown>;
}

/** `[start, end)` of one Y.XmlText, and the clause it lies in (null outside clauses). */
export interface TextSpan {
  text: Y.XmlText;
  start: number;
  end: number;
  clauseId: string | null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function passageChanged(): HttpError {
  return new HttpError(
    409,
    'passage_changed',
    'The selected passage is no longer in the text as it was selected. Select it again.',
  );
}

function outsideClause(message: string): HttpError {
  return new HttpError(400, 'range_outside_clause', message);
}

function opLength(op: DeltaOp): number {
  return typeof op.insert === 'string' ? op.insert.length : 1;
}

function bracketIdOf(attributes: Record<string, unknown> | undefined): string | undefined {
  const id = (attributes?.[BRACKET_ATTRIBUTE] as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Decodes one end of an anchor; 400 when it is not a relative position inside a type. */
function decodePosition(encoded: string): Y.RelativePosition {
  if (!BASE64.test(encoded)) throw new BadRequestError('anchor: not a base64 relative position.');
  let position: Y.RelativePosition;
  try {
    position = Y.decodeRelativePosition(new Uint8Array(Buffer.from(encoded, 'base64')));
  } catch {
    throw new BadRequestError('anchor: not a Yjs relative position.');
  }
  // A root-level position (`tname`) is never inside a clause's text; resolving it could create a root type.
  if (position.tname !== null || (position.item === null && position.type === null)) {
    throw outsideClause('The passage is not inside a clause.');
  }
  return position;
}

/** Where a relative position is now, or null when the document does not (or no longer) hold it. */
function absolute(doc: Y.Doc, position: Y.RelativePosition): Y.AbsolutePosition | null {
  try {
    return Y.createAbsolutePositionFromRelativePosition(position, doc);
  } catch {
    return null;
  }
}

/**
 * The clause a type lies in (the nearest enclosing clause's id, null when
 * none), or undefined when the type is deleted or not inside the document's
 * content.
 */
function placeOf(doc: Y.Doc, text: Y.XmlText): { clauseId: string | null } | undefined {
  const root = doc.getXmlFragment(CONTENT_FIELD);
  let clauseId: string | null = null;
  let current: unknown = text;
  while (current instanceof Y.AbstractType) {
    if (clauseId === null && current instanceof Y.XmlElement && current.nodeName === NodeName.clause) {
      const id = current.getAttribute(ID_ATTR);
      clauseId = typeof id === 'string' ? id : '';
    }
    const item: Y.Item | null = current._item;
    if (item === null) return current === root ? { clauseId } : undefined;
    if (item.deleted) return undefined;
    current = item.parent;
  }
  return undefined;
}

/** The characters of `[start, end)`; null when the range holds something else than text. */
function textBetween(ops: readonly DeltaOp[], start: number, end: number): string | null {
  let text = '';
  let at = 0;
  for (const op of ops) {
    const length = opLength(op);
    const from = Math.max(start, at);
    const to = Math.min(end, at + length);
    if (from < to) {
      if (typeof op.insert !== 'string') return null;
      text += op.insert.slice(from - at, to - at);
    }
    at += length;
    if (at >= end) break;
  }
  return text;
}

function overlapsBracket(ops: readonly DeltaOp[], start: number, end: number): boolean {
  let at = 0;
  for (const op of ops) {
    const length = opLength(op);
    if (at < end && at + length > start && bracketIdOf(op.attributes)) return true;
    at += length;
    if (at >= end) break;
  }
  return false;
}

/**
 * Finds the passage a client's anchor delimits, and checks that it can be
 * bracketed: both ends in the same Y.XmlText (one paragraph's text), inside
 * clause `clauseId`, non-empty, holding exactly `anchor.quote`, and not
 * overlapping an existing bracket.
 * Errors: 400 bad_request (undecodable anchor), 400 range_outside_clause,
 * 400 empty_range, 409 passage_changed (an end the document does not hold,
 * a deleted paragraph, or other words than the quote), 409 bracket_overlap.
 */
export function locatePassage(doc: Y.Doc, clauseId: string, anchor: RangeAnchor): TextSpan {
  const startPosition = decodePosition(anchor.start);
  const endPosition = decodePosition(anchor.end);
  const start = absolute(doc, startPosition);
  const end = absolute(doc, endPosition);
  if (!start || !end) throw passageChanged();
  if (!(start.type instanceof Y.XmlText) || start.type !== end.type) {
    throw outsideClause('A bracket covers words of one paragraph of one clause.');
  }
  const text = start.type;
  const place = placeOf(doc, text);
  if (!place) throw passageChanged();
  if (place.clauseId !== clauseId) throw outsideClause('The passage is not in that clause.');
  if (end.index <= start.index) throw new HttpError(400, 'empty_range', 'Select the words to bracket first.');
  const ops = text.toDelta() as DeltaOp[];
  const passage = textBetween(ops, start.index, end.index);
  if (passage === null) throw outsideClause('A bracket covers words only, not a line break.');
  if (passage !== anchor.quote) throw passageChanged();
  if (overlapsBracket(ops, start.index, end.index)) {
    throw new HttpError(409, 'bracket_overlap', 'The passage overlaps a bracketed passage.');
  }
  return { text, start: start.index, end: end.index, clauseId };
}

/** Marks a passage (found by locatePassage) as the bracket `bracketId`. */
export function markPassage(span: TextSpan, bracketId: string): void {
  span.text.format(span.start, span.end - span.start, { [BRACKET_ATTRIBUTE]: { id: bracketId } });
}

/** The runs of characters of one Y.XmlText that carry the bracket `bracketId`, in order. */
function runsIn(text: Y.XmlText, bracketId: string, clauseId: string | null): TextSpan[] {
  const runs: TextSpan[] = [];
  let at = 0;
  let open: TextSpan | null = null;
  for (const op of text.toDelta() as DeltaOp[]) {
    const length = opLength(op);
    if (bracketIdOf(op.attributes) === bracketId) {
      if (open && open.end === at) open.end = at + length;
      else {
        open = { text, start: at, end: at + length, clauseId };
        runs.push(open);
      }
    }
    at += length;
  }
  return runs;
}

/**
 * Where the bracket `bracketId` is in the text: each run of characters
 * carrying it, per Y.XmlText of the document's content, in document order
 * (one span unless editing split the passage, or put words without the
 * bracket into it — a paste from elsewhere).
 */
export function bracketSpans(doc: Y.Doc, bracketId: string): TextSpan[] {
  const spans: TextSpan[] = [];
  const visit = (node: unknown, clauseId: string | null): void => {
    if (node instanceof Y.XmlText) {
      spans.push(...runsIn(node, bracketId, clauseId));
      return;
    }
    if (!(node instanceof Y.XmlElement || node instanceof Y.XmlFragment)) return;
    let inner = clauseId;
    if (node instanceof Y.XmlElement && node.nodeName === NodeName.clause) {
      const id = node.getAttribute(ID_ATTR);
      inner = typeof id === 'string' ? id : '';
    }
    for (const child of node.toArray()) visit(child, inner);
  };
  visit(doc.getXmlFragment(CONTENT_FIELD), null);
  return spans;
}

/** The characters of a span (embedded elements left out). */
export function spanText(span: TextSpan): string {
  let text = '';
  let at = 0;
  for (const op of span.text.toDelta() as DeltaOp[]) {
    const length = opLength(op);
    if (typeof op.insert === 'string' && at + length > span.start && at < span.end) {
      text += op.insert.slice(Math.max(0, span.start - at), span.end - at);
    }
    at += length;
  }
  return text;
}

/** The formatting of the character at `index`, without any bracket. */
function formattingAt(text: Y.XmlText, index: number): Record<string, unknown> {
  let at = 0;
  for (const op of text.toDelta() as DeltaOp[]) {
    const length = opLength(op);
    if (index < at + length) {
      const { [BRACKET_ATTRIBUTE]: _bracket, ...others } = op.attributes ?? {};
      return others;
    }
    at += length;
  }
  return {};
}

/** Takes the bracket `bracketId` off the characters of a span that carry it. */
function unmark(span: TextSpan, bracketId: string): void {
  let at = 0;
  const runs: [number, number][] = [];
  for (const op of span.text.toDelta() as DeltaOp[]) {
    const length = opLength(op);
    if (at >= span.start && at < span.end && bracketIdOf(op.attributes) === bracketId)
      runs.push([at, length]);
    at += length;
  }
  for (const [index, length] of runs) span.text.format(index, length, { [BRACKET_ATTRIBUTE]: null });
}

/**
 * Resolves a bracket in the text (its spans from bracketSpans): `kept` (the
 * kept alternative) replaces the first span, with the formatting of its first
 * character but without the bracket, and the other spans are deleted; when
 * `kept` is the bracketed text itself (the spans joined, directly or by a
 * space), only the bracket comes off; `null` or '' deletes the spans. Only
 * characters carrying the bracket are deleted: words put between them
 * without it (a paste) stay. Line breaks in `kept` become spaces (a paragraph
 * stays one paragraph).
 */
export function resolveSpans(spans: readonly TextSpan[], bracketId: string, kept: string | null): void {
  const wording = kept?.replace(/\r\n?|\n/g, ' ') ?? '';
  const texts = spans.map(spanText);
  if (wording !== '' && (wording === texts.join('') || wording === texts.join(' '))) {
    for (const span of spans) unmark(span, bracketId);
    return;
  }
  // From the last to the first: deleting a span never moves the spans before it in the same text.
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index] as TextSpan;
    const formatting = formattingAt(span.text, span.start);
    span.text.delete(span.start, span.end - span.start);
    if (index === 0 && wording !== '') span.text.insert(span.start, wording, { ...formatting });
  }
}

/** True when the document has a clause with this id. */
export function hasClause(doc: Y.Doc, clauseId: string): boolean {
  return readClauses(doc).some((clause) => clause.id === clauseId);
}
