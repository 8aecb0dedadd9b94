import { type Amendment, type AmendmentDecision, newNodeId, type UserProfile } from '@draftroom/shared';
import type * as Y from 'yjs';
import type { Room } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import { plainText } from '../content/outline';
import { CollabRefusal, HttpError } from '../errors';
import type { Logger } from '../logger';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import { type AcceptancePlan, mootedBy, planAcceptance, type TextOutcome } from './acceptance';
import { clauseLocked, notOpen } from './amendmentErrors';
import type { AmendmentRepository } from './amendmentStore';
import { deleteClause, findClause, insertClauseAfter, rewriteClauseText } from './clauseWriter';
import type { FallenWatch } from './fallenWatch';

export interface DecisionCommandDeps {
  /** The amendments' records (outside a commit: reads, and a record-only decision). */
  store: AmendmentRepository;
  rooms: RoomRegistry;
  negotiation: Pick<NegotiationRepository, 'statuses'>;
  fallen: FallenWatch;
  publish(documentId: string, amendments: readonly Amendment[]): Promise<void>;
  logger: Logger;
}

type Acceptance = Exclude<AmendmentDecision, { decision: 'reject' }>;

/** Writes an acceptance's text change into the document (inside the room's server change). */
function writeOutcome(doc: Y.Doc, outcome: TextOutcome, createdClauseId: string | null): void {
  if (outcome.kind === 'insert') {
    insertClauseAfter(doc, outcome.afterClauseId, outcome.text, createdClauseId ?? undefined);
    return;
  }
  if (outcome.kind === 'delete') {
    deleteClause(doc, outcome.clauseId);
    return;
  }
  const location = findClause(doc, outcome.clauseId);
  if (location) rewriteClauseText(location.clause, outcome.text);
}

/**
 * Accepting an amendment as ONE server command: the clause text and the
 * amendment record (with the amendments it makes moot) are committed in the
 * same transaction (Room.applyServerChange's `alongside`, writing through the
 * commit's record stores), then
 * broadcast, then published as negotiation notices. If the commit fails,
 * neither the text nor any record changes. The stored update is attributed to
 * the pen-holder who accepted and, for an accept, the proponent delegation;
 * for an accept-as-modified, whose wording the pen-holder wrote, their own
 * delegation (the amendment record keeps the proponent's proposal).
 */
export class DecisionCommands {
  constructor(private readonly deps: DecisionCommandDeps) {}

  /**
   * Accepts (or accepts as modified) a tabled amendment. Throws 409
   * amendment_conflict (nothing applied) when its change does not apply
   * cleanly to the current text, 409 clause_locked while its clause is agreed
   * (a new clause after an agreed one is not a change to it), 409
   * amendment_fallen when its clause is gone (it is recorded as fallen), 503
   * storage_unavailable when the commit failed. Returns the decided amendment.
   */
  accept(
    documentId: string,
    amendment: Amendment,
    decision: Acceptance,
    penHolder: UserProfile,
  ): Promise<Amendment> {
    return this.deps.rooms.withRoom(documentId, (room) =>
      this.acceptIn(room, amendment, decision, penHolder),
    );
  }

  /** Runs with the room to itself (Room.exclusive): the checks see the text the change is made to. */
  private async acceptIn(
    room: Room,
    tabled: Amendment,
    decision: Acceptance,
    penHolder: UserProfile,
  ): Promise<Amendment> {
    const { store } = this.deps;
    const documentId = room.documentId;
    // Decided meanwhile (another request ran first): decided once only.
    const amendment = await store.get(documentId, tabled.id);
    if (amendment?.status !== 'tabled') throw notOpen(tabled.number);
    const location = findClause(room.doc, amendment.clauseId);
    if (!location) {
      await this.deps.fallen.check(documentId, room.doc);
      throw new HttpError(
        409,
        'amendment_fallen',
        `The clause of AM ${amendment.number} was deleted: it fell.`,
      );
    }
    if (amendment.kind !== 'insert' && (await this.isAgreed(room, amendment.clauseId))) throw clauseLocked();
    const plan = planAcceptance(amendment, decision, plainText(location.clause));
    const moot = mootedBy(plan, amendment, await store.open(documentId, [amendment.clauseId]));
    const createdClauseId = plan.outcome.kind === 'insert' ? newNodeId('cl') : null;
    const record = (amendments: AmendmentRepository) =>
      this.record(amendments, documentId, amendment, plan, { penHolder, createdClauseId, moot });
    // Accepted: the proponent's words. Accepted as modified: the wording is the pen-holder's, so is the name on it.
    const proponent = (await store.proponentParticipantId(amendment.id)) ?? penHolder.participant.id;
    const author = {
      userId: penHolder.id,
      participantId: plan.status === 'accepted' ? proponent : penHolder.participant.id,
      touchedClauses: [createdClauseId ?? amendment.clauseId],
    };
    let changed: boolean;
    try {
      changed = await room.applyServerChange(
        (doc) => writeOutcome(doc, plan.outcome, createdClauseId),
        author,
        (records) => record(records.amendments),
      );
    } catch (error) {
      if (!(error instanceof CollabRefusal)) throw error;
      throw new HttpError(
        503,
        'storage_unavailable',
        'The server could not store the change; nothing was applied.',
      );
    }
    // The text already read as accepted (nothing to write): the record alone changes.
    if (!changed) await store.transaction(record);
    this.deps.fallen.forget(documentId);
    const updated = await Promise.all(
      [amendment.id, ...moot.map((other) => other.id)].map(
        async (id) => (await store.get(documentId, id)) as Amendment,
      ),
    );
    await this.deps.publish(documentId, updated);
    this.deps.logger.info(
      {
        documentId,
        amendment: amendment.number,
        status: plan.status,
        moot: moot.map((other) => other.number),
      },
      'amendment accepted',
    );
    return updated[0] as Amendment;
  }

  /**
   * The records an acceptance writes through `amendments` (the text's commit's,
   * or a transaction's): the decision, and the amendments it made moot.
   * Rejects with 409 not_open (writing nothing that stays) when it was decided meanwhile.
   */
  private async record(
    amendments: AmendmentRepository,
    documentId: string,
    amendment: Amendment,
    plan: AcceptancePlan,
    context: { penHolder: UserProfile; createdClauseId: string | null; moot: readonly Amendment[] },
  ): Promise<void> {
    const decided = await amendments.conclude(documentId, amendment.id, {
      status: plan.status,
      decidedBy: context.penHolder.id,
      acceptedText: plan.acceptedText,
      createdClauseId: context.createdClauseId,
    });
    if (!decided) throw notOpen(amendment.number);
    for (const other of context.moot) {
      await amendments.conclude(documentId, other.id, {
        status: 'fallen',
        fallenReason: 'moot',
        decidedBy: context.penHolder.id,
      });
    }
  }

  private async isAgreed(room: Room, clauseId: string): Promise<boolean> {
    if (room.lockedClauses.has(clauseId)) return true;
    return (await this.deps.negotiation.statuses(room.documentId, clauseId))[0]?.status === 'agreed';
  }
}
