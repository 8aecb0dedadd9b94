/**
 * The negotiation layer over the text: per-clause comments, status, brackets
 * and delegation positions. It lives on the server (SQLite), not in the Y.Doc:
 * authors and times come from the server's session.
 */
import { z } from 'zod';
import type { Amendment } from './amendments';
import { xmlText } from './xmlText';

export const CLAUSE_STATUSES = ['open', 'bracketed', 'agreed-ad-referendum', 'agreed'] as const;
export type ClauseStatus = (typeof CLAUSE_STATUSES)[number];
export const CLAUSE_STATUS_LABEL: Record<ClauseStatus, string> = {
  open: 'Open',
  bracketed: 'Bracketed',
  'agreed-ad-referendum': 'Agreed ad referendum',
  agreed: 'Agreed',
};

export const POSITIONS = [
  'supports',
  'scrutiny-reservation',
  'reservation',
  'agreed-ad-referendum',
  'opposes',
] as const;
export type DelegationPosition = (typeof POSITIONS)[number];
export const POSITION_LABEL: Record<DelegationPosition, string> = {
  supports: 'Supports',
  'scrutiny-reservation': 'Scrutiny reservation',
  reservation: 'Reservation',
  'agreed-ad-referendum': 'Agreed ad referendum',
  opposes: 'Opposes',
};

/** Who did something, as shown to everyone. */
export interface Actor {
  userId: string;
  name: string;
  participantCode: string;
}

export interface ClauseStatusEntry {
  clauseId: string;
  status: ClauseStatus;
  changedBy: Actor;
  changedAt: string;
}

export interface PositionEntry {
  clauseId: string;
  participantCode: string;
  position: DelegationPosition;
  note: string;
  setBy: Actor;
  setAt: string;
}

/** A range anchor: Yjs relative positions (base64 of `Y.encodeRelativePosition`) and the quoted text. */
export interface RangeAnchor {
  start: string;
  end: string;
  quote: string;
}

export interface Comment {
  id: string;
  threadId: string;
  author: Actor;
  /** Empty when deleted (the tombstone keeps author and time). */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** Participant codes mentioned with @CODE. */
  mentions: string[];
}

export interface CommentThread {
  id: string;
  documentId: string;
  clauseId: string;
  anchor: RangeAnchor | null;
  author: Actor;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: Actor | null;
  comments: Comment[];
}

export interface BracketAlternative {
  index: number;
  text: string;
  proponentCode: string;
}

export interface Bracket {
  id: string;
  clauseId: string;
  proponentCode: string;
  createdBy: Actor;
  createdAt: string;
  alternatives: BracketAlternative[];
  resolution:
    | null
    | { kind: 'kept'; index: number; text: string; by: Actor; at: string }
    | { kind: 'dropped'; by: Actor; at: string };
}

/** `GET /api/documents/:id/negotiation` */
export interface NegotiationState {
  statuses: ClauseStatusEntry[];
  positions: PositionEntry[];
  threads: CommentThread[];
  brackets: Bracket[];
  /** Every amendment of the document, in number order. */
  amendments: Amendment[];
  /** The sequence number of the last event included; live events continue from here. */
  seq: number;
}

/** A change pushed live to every open client of the document, in the order it happened. */
export type NegotiationEvent =
  | { type: 'status'; entry: ClauseStatusEntry }
  | { type: 'position'; entry: PositionEntry }
  | { type: 'thread'; thread: CommentThread }
  | { type: 'bracket'; bracket: Bracket }
  | { type: 'amendment'; amendment: Amendment };

// Request bodies.
const body = xmlText(z.string().trim().min(1, 'Write something first.').max(10_000));
export const rangeAnchorSchema = z.object({
  start: z.string().min(1).max(2048),
  end: z.string().min(1).max(2048),
  quote: xmlText(z.string().max(5_000)),
});
export const newThreadSchema = z.object({
  clauseId: z.string().min(1).max(64),
  anchor: rangeAnchorSchema.nullable().default(null),
  body,
});
export const commentBodySchema = z.object({ body });
export const clauseStatusSchema = z.object({ status: z.enum(CLAUSE_STATUSES) });
export const positionSchema = z.object({
  position: z.enum(POSITIONS),
  note: xmlText(z.string().trim().max(1_000)).default(''),
});
/**
 * `POST /api/documents/:id/brackets`: bracket the passage `anchor` delimits in
 * clause `clauseId` (one paragraph's text; `anchor.quote` is the passage as the
 * client sees it). The server marks the passage in the text and stores the
 * record in one commit. `alternatives[0]` is the passage itself (= the quote);
 * the others are further wordings.
 */
export const newBracketSchema = z.object({
  id: z.string().regex(/^br-[a-f0-9]{6,32}$/),
  clauseId: z.string().min(1).max(64),
  anchor: rangeAnchorSchema,
  alternatives: z
    .array(xmlText(z.string().max(5_000)))
    .min(1)
    .max(8),
});
export type NewBracket = z.infer<typeof newBracketSchema>;
export const bracketAlternativeSchema = z.object({ text: xmlText(z.string().max(5_000)) });
export const bracketResolutionSchema = z.union([
  z.object({ keep: z.number().int().min(0) }),
  z.object({ drop: z.literal(true) }),
]);

/** Participant codes mentioned as `@CODE` in a comment body. */
export function mentionedCodes(text: string): string[] {
  const codes = new Set<string>();
  for (const match of text.matchAll(/(^|[^\w@])@([A-Z][A-Z0-9-]{1,11})\b/g)) codes.add(match[2] ?? '');
  codes.delete('');
  return [...codes];
}
