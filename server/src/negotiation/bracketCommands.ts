/**
 * Bracketing a passage and resolving a bracket as server commands: the
 * server changes the document's text (its room's Y.Doc) and writes the
 * bracket record in one storage commit (Room.applyServerChange with the
 * record as `alongside`, written through the commit's own record stores),
 * then broadcasts the text to every client and the record as a negotiation
 * notice. If the commit fails, neither changes.
 */
import type { Bracket, NewBracket, UserProfile } from '@draftroom/shared';
import type * as Y from 'yjs';
import type { RecordsAlongside, UpdateAuthor } from '../collab/documentStorage';
import type { Room } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import { BadRequestError, CollabRefusal, HttpError, NotFoundError, StorageWriteError } from '../errors';
import type { Logger } from '../logger';
import { isUniqueViolation } from '../store/constraintErrors';
import { bracketSpans, hasClause, locatePassage, markPassage, resolveSpans } from './bracketText';
import type { DocumentEvents } from './documentEvents';
import type { NegotiationRepository } from './negotiationStore';

/** How the pen-holder resolves a bracket: keep one alternative (by index), or drop the passage. */
export type BracketResolution = { keep: number } | { drop: true };

function clauseLocked(clauseIds: readonly string[]): HttpError {
  return new HttpError(
    409,
    'clause_locked',
    `Clause${clauseIds.length > 1 ? 's' : ''} ${clauseIds.join(', ')} ${clauseIds.length > 1 ? 'are' : 'is'} agreed and locked. The pen-holder reopens it first.`,
  );
}

function idTaken(): HttpError {
  return new HttpError(409, 'conflict', 'That bracket id is taken.');
}

/**
 * Runs `write`, a record write inside a commit's `alongside`: an id taken
 * meanwhile (through another instance) is a 409 conflict, a refusal of its
 * own (HttpError) stays as it is; any other failure a StorageWriteError, which the room answers as storage unavailable. Either
 * rolls the commit back.
 */
async function recordWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (isUniqueViolation(error)) throw idTaken();
    throw new StorageWriteError('could not store the bracket record', error);
  }
}

function authorOf(user: UserProfile, touchedClauses: readonly string[]): UpdateAuthor {
  return { userId: user.id, participantId: user.participant.id, touchedClauses };
}

export class BracketCommands {
  constructor(
    private readonly negotiation: Pick<
      NegotiationRepository,
      'bracketIdTaken' | 'bracket' | 'resolveBracket'
    >,
    private readonly rooms: RoomRegistry,
    private readonly events: DocumentEvents,
    private readonly logger: Logger,
  ) {}

  /**
   * Brackets the passage `input.anchor` delimits in clause `input.clauseId`:
   * the passage gets the formatting attribute `bracket: {id}` and the record
   * (proponent: the user's delegation; alternatives as given, the first being
   * the passage itself) is stored in the same commit. Returns the record.
   * Errors: 400 (alternative A is not the quoted passage; anchor undecodable,
   * outside the clause, across paragraphs, empty), 404 no such clause, 409
   * conflict (id taken), clause_locked, passage_changed, bracket_overlap,
   * 503 storage_unavailable (nothing changed).
   */
  async create(documentId: string, input: NewBracket, user: UserProfile): Promise<Bracket> {
    if (input.alternatives[0] !== input.anchor.quote) {
      throw new BadRequestError('alternatives: the first alternative is the bracketed passage itself.');
    }
    let bracket: Bracket | undefined;
    await this.inRoom(documentId, async (room) => {
      if (await this.negotiation.bracketIdTaken(documentId, input.id)) throw idTaken();
      if (!hasClause(room.doc, input.clauseId)) throw new NotFoundError('No such clause in this document.');
      if (room.lockedClauses.has(input.clauseId)) throw clauseLocked([input.clauseId]);
      // Checked before anything changes, so a refusal leaves the text as it was; checked again on the
      // document the change is made to (the room may have reloaded in between).
      locatePassage(room.doc, input.clauseId, input.anchor);
      const changed = await this.commit(
        room,
        (doc) => markPassage(locatePassage(doc, input.clauseId, input.anchor), input.id),
        authorOf(user, [input.clauseId]),
        async (records) => {
          bracket = await recordWrite(() =>
            records.negotiation.createBracket(documentId, input, {
              id: user.id,
              participantId: user.participant.id,
            }),
          );
        },
      );
      if (!changed) throw new Error('bracketing a passage changed nothing');
    });
    if (!bracket) throw new Error('bracket not stored');
    await this.events.publish(documentId, { type: 'bracket', bracket });
    this.logger.info({ documentId, bracketId: input.id, userId: user.id }, 'passage bracketed');
    return bracket;
  }

  /**
   * Resolves a bracket: the kept alternative replaces the bracketed passage
   * (keeping its other formatting; only the bracket comes off when the
   * wording is the passage itself), or the passage is deleted (drop), and
   * the resolution (who, when, which) is stored in the same commit. When the
   * passage is no longer in the text, a drop is only recorded.
   * Errors: 404 no such bracket or alternative, 409 bracket_resolved,
   * clause_locked, passage_missing (keep, but the passage is gone), 503
   * storage_unavailable (nothing changed).
   */
  async resolve(
    documentId: string,
    bracketId: string,
    resolution: BracketResolution,
    user: UserProfile,
  ): Promise<Bracket> {
    const keep = 'keep' in resolution ? resolution.keep : null;
    // Through the commit's own stores inside `alongside`; through the service's when only the record changes.
    // Resolved meanwhile through another instance: the write finds it so, and the commit (text too) is undone.
    const record = async (negotiation: Pick<NegotiationRepository, 'resolveBracket'>) => {
      const resolved = await negotiation.resolveBracket(documentId, bracketId, keep, user.id);
      if (!resolved) throw new HttpError(409, 'bracket_resolved', 'That bracket is resolved.');
      return resolved;
    };
    let bracket: Bracket | undefined;
    await this.inRoom(documentId, async (room) => {
      // Read with the room to itself: of two resolutions at once, the second finds the first.
      const existing = await this.negotiation.bracket(documentId, bracketId);
      if (!existing) throw new NotFoundError('No such bracket.');
      if (existing.resolution) throw new HttpError(409, 'bracket_resolved', 'That bracket is resolved.');
      const kept = keep === null ? null : existing.alternatives.find((option) => option.index === keep);
      if (kept === undefined) throw new NotFoundError('No such alternative.');
      const wording = kept?.text ?? null;
      const spans = bracketSpans(room.doc, bracketId);
      const clauses = [
        ...new Set([existing.clauseId, ...spans.flatMap((span) => (span.clauseId ? [span.clauseId] : []))]),
      ];
      const locked = clauses.filter((clauseId) => room.lockedClauses.has(clauseId));
      if (locked.length > 0) throw clauseLocked(locked);
      if (spans.length === 0) {
        if (wording) {
          throw new HttpError(
            409,
            'passage_missing',
            'The bracketed passage is no longer in the text: drop the bracket, or bracket the passage again.',
          );
        }
        bracket = await record(this.negotiation);
        return;
      }
      const changed = await this.commit(
        room,
        (doc) => resolveSpans(bracketSpans(doc, bracketId), bracketId, wording),
        authorOf(user, clauses),
        async (records) => {
          bracket = await recordWrite(() => record(records.negotiation));
        },
      );
      if (!changed) bracket = await record(this.negotiation);
    });
    if (!bracket) throw new Error('resolution not stored');
    await this.events.publish(documentId, { type: 'bracket', bracket });
    this.logger.info({ documentId, bracketId, userId: user.id, keep }, 'bracket resolved');
    return bracket;
  }

  /**
   * Runs `work` on the document's room with the room to itself (opened if it
   * is not, released after): the turn's client changes are stored first, so
   * the checks see what the change will be made to.
   */
  private inRoom(documentId: string, work: (room: Room) => Promise<void>): Promise<void> {
    return this.rooms.withRoom(documentId, work);
  }

  /**
   * Room.applyServerChange; a failed write — of the text, or of the record
   * (`alongside` through {@link recordWrite}): a CollabRefusal — is answered
   * 503: the room has reloaded from storage and the transaction rolled back,
   * nothing changed.
   */
  private async commit(
    room: Room,
    change: (doc: Y.Doc) => void,
    author: UpdateAuthor,
    alongside: RecordsAlongside,
  ): Promise<boolean> {
    try {
      return await room.applyServerChange(change, author, alongside);
    } catch (error) {
      if (!(error instanceof CollabRefusal)) throw error;
      this.logger.error({ err: error, documentId: room.documentId }, 'bracket command not stored');
      throw new HttpError(
        503,
        'storage_unavailable',
        'The server could not store the change; neither the text nor the bracket changed. Try again.',
      );
    }
  }
}
