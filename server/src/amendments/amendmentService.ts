import {
  type Amendment,
  type AmendmentDecision,
  type AmendmentKind,
  type NewAmendment,
  type Role,
  rebaseChange,
  type UserProfile,
} from '@draftroom/shared';
import type * as Y from 'yjs';
import type { AuditLog } from '../audit/auditLog';
import { authorize, DELEGATION_REFUSAL } from '../auth/policy';
import { type DocumentStorage, docFromStoredState } from '../collab/documentStorage';
import type { RoomHooks } from '../collab/room';
import type { RoomRegistry } from '../collab/roomRegistry';
import { readClauses } from '../content/outline';
import { BadRequestError, ForbiddenError, HttpError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { DocumentEvents } from '../negotiation/documentEvents';
import type { NegotiationRepository } from '../negotiation/negotiationStore';
import { normaliseLineBreaks, requireNoNewForbiddenCharacter } from './acceptance';
import { clauseChanged, notOpen } from './amendmentErrors';
import type { AmendmentRepository } from './amendmentStore';
import { DecisionCommands } from './decisionCommands';
import { FallenWatch } from './fallenWatch';
import { requireRoomForAmendment } from './policy';

/** Who acts, as the session and the request say: the user, their role on the document, their address. */
export interface AmendmentActor {
  user: UserProfile;
  role: Role;
  ip?: string | undefined;
}

export interface AmendmentServiceDeps {
  /** The amendments' records (`records.amendments`: SQLite or PostgreSQL). */
  store: AmendmentRepository;
  rooms: RoomRegistry;
  storage: DocumentStorage;
  /** Clause statuses (an agreed clause takes no accepted change). */
  negotiation: Pick<NegotiationRepository, 'statuses'>;
  events: DocumentEvents;
  audit: AuditLog;
  logger: Logger;
}

/** The fields of a compromise request (`compromiseSchema`). */
export interface CompromiseInput {
  covers: string[];
  proposedText: string;
  justification: string;
}

/**
 * Amendments: tabling (numbered AM n per document, proponent delegation and
 * time from the session), co-sponsoring, withdrawal, the pen-holder's
 * decisions and compromises. Every change is pushed live to the document's
 * clients as a negotiation notice `{type: 'amendment', amendment}`;
 * decisions, withdrawals and compromises are audited. Text-changing
 * decisions are server commands (./decisionCommands.ts); amendments fall
 * live when their clause disappears (./fallenWatch.ts).
 */
export class AmendmentService {
  private readonly decisions: DecisionCommands;
  private readonly fallen: FallenWatch;

  constructor(private readonly deps: AmendmentServiceDeps) {
    const publish = (documentId: string, amendments: readonly Amendment[]) =>
      this.publish(documentId, amendments);
    this.fallen = new FallenWatch(deps.store, publish, deps.logger);
    this.decisions = new DecisionCommands({ ...deps, publish, fallen: this.fallen });
  }

  /** The hook that makes amendments fall when their clause is deleted (given to the room registry). */
  get hooks(): RoomHooks {
    return this.fallen.hooks;
  }

  /** Every amendment of a document, in number order, each with its co-sponsors in signing order. */
  list(documentId: string): Promise<Amendment[]> {
    return this.deps.store.list(documentId);
  }

  /**
   * Tables an amendment (commenter and above). The clause must exist (404).
   * When `baseText` is no longer the clause's text, the change is rebased onto
   * the current text (409 clause_changed when it does not apply cleanly) and
   * stored against the current text. 400 when it changes nothing.
   */
  async table(documentId: string, input: NewAmendment, actor: AmendmentActor): Promise<Amendment> {
    authorize(actor.role, 'table-amendment');
    const clause = await this.liveClause(documentId, input.clauseId);
    const drafted = this.drafted(input, clause.text);
    const amendment = await this.deps.store.transaction(async (amendments) => {
      requireRoomForAmendment(await amendments.counts(documentId, actor.user.participant.id));
      return amendments.insert({
        documentId,
        kind: input.kind,
        clauseId: clause.id,
        clauseNumber: clause.number,
        ...drafted,
        justification: input.justification,
        proponentParticipantId: actor.user.participant.id,
        tabledBy: actor.user.id,
      });
    });
    this.fallen.forget(documentId);
    await this.publish(documentId, [amendment]);
    return amendment;
  }

  /** Base and proposed text as stored: rebased onto the clause's current text when drafted against an older one. */
  private drafted(input: NewAmendment, current: string): { baseText: string; proposedText: string } {
    if (input.kind === 'insert')
      return { baseText: current, proposedText: normaliseLineBreaks(input.proposedText) };
    const base = normaliseLineBreaks(input.baseText);
    if (input.kind === 'delete') {
      if (base !== current) throw clauseChanged(current);
      return { baseText: current, proposedText: '' };
    }
    const proposed = normaliseLineBreaks(input.proposedText);
    requireNoNewForbiddenCharacter('proposedText', proposed, current);
    if (proposed.trim() === '') {
      throw new BadRequestError('proposedText: to delete the clause, table a deletion (kind "delete").');
    }
    const result = rebaseChange(base, proposed, current);
    if (!result.clean) throw clauseChanged(current);
    if (result.text === current)
      throw new BadRequestError('proposedText: this wording is the clause as it reads now.');
    return { baseText: current, proposedText: result.text };
  }

  /**
   * Adds the actor's delegation as a co-sponsor (commenter and above; not the
   * proponent: 403; tabled only: 409 not_open; 404 for an unknown amendment).
   * Resolves to the amendment as stored (unchanged when it had signed already).
   */
  async cosponsor(documentId: string, amendmentId: string, actor: AmendmentActor): Promise<Amendment> {
    authorize(actor.role, 'cosponsor-amendment');
    const signed = await this.deps.store.transaction(async (amendments) => {
      const amendment = await existing(amendments, documentId, amendmentId);
      if (amendment.proponentCode === actor.user.participant.code)
        throw new ForbiddenError(DELEGATION_REFUSAL.cosponsorOwn);
      if (amendment.status !== 'tabled') throw notOpen(amendment.number);
      if (amendment.cosponsors.some((entry) => entry.participantCode === actor.user.participant.code))
        return amendment;
      await amendments.addCosponsor(amendment.id, actor.user.participant.id, actor.user.id);
      return null;
    });
    return signed ?? this.publishOne(documentId, amendmentId);
  }

  /**
   * Removes the actor's delegation's co-signature (404 when it has none or the
   * amendment is unknown; tabled only: 409 not_open). Resolves to the amendment as stored.
   */
  async withdrawCosponsorship(
    documentId: string,
    amendmentId: string,
    actor: AmendmentActor,
  ): Promise<Amendment> {
    authorize(actor.role, 'cosponsor-amendment');
    await this.deps.store.transaction(async (amendments) => {
      const amendment = await existing(amendments, documentId, amendmentId);
      if (!amendment.cosponsors.some((entry) => entry.participantCode === actor.user.participant.code)) {
        throw new NotFoundError('Your delegation has not co-sponsored this amendment.');
      }
      if (amendment.status !== 'tabled') throw notOpen(amendment.number);
      await amendments.removeCosponsor(amendment.id, actor.user.participant.id);
    });
    return this.publishOne(documentId, amendmentId);
  }

  /**
   * Withdraws an amendment (its proponent delegation only; tabled only);
   * a withdrawn compromise puts the amendments it covered back to tabled.
   * Audited.
   */
  async withdraw(documentId: string, amendmentId: string, actor: AmendmentActor): Promise<Amendment> {
    authorize(actor.role, 'withdraw-amendment');
    const amendment = await existing(this.deps.store, documentId, amendmentId);
    if (amendment.proponentCode !== actor.user.participant.code) {
      throw new ForbiddenError(DELEGATION_REFUSAL.withdrawOthers);
    }
    const changed = await this.concludeRecordOnly(documentId, amendment, 'withdrawn', actor);
    this.audit('amendment-withdrawn', actor, amendment, { status: 'withdrawn' });
    return changed;
  }

  /**
   * The pen-holder's decision. Reject is record-only (a rejected compromise
   * puts what it covered back to tabled); accept and accept-as-modified
   * change the text and the record in one commit (DecisionCommands). Audited.
   */
  async decide(
    documentId: string,
    amendmentId: string,
    decision: AmendmentDecision,
    actor: AmendmentActor,
  ): Promise<Amendment> {
    authorize(actor.role, 'decide-amendment');
    const amendment = await existing(this.deps.store, documentId, amendmentId);
    if (amendment.status !== 'tabled') throw notOpen(amendment.number);
    const decided =
      decision.decision === 'reject'
        ? await this.concludeRecordOnly(documentId, amendment, 'rejected', actor)
        : await this.decisions.accept(documentId, amendment, decision, actor.user);
    this.audit('amendment-decided', actor, amendment, {
      decision: decision.decision,
      status: decided.status,
    });
    return decided;
  }

  /**
   * Tables a compromise amendment (pen-holder) replacing tabled amendments to
   * one clause: it is numbered like any amendment, drafted against the
   * clause's current text, and the amendments it covers become
   * covered-by-compromise — all in one transaction. Audited.
   */
  async compromise(documentId: string, input: CompromiseInput, actor: AmendmentActor): Promise<Amendment> {
    authorize(actor.role, 'table-compromise');
    if (new Set(input.covers).size !== input.covers.length)
      throw new BadRequestError('covers: an amendment is named twice.');
    const covered: Amendment[] = [];
    for (const id of input.covers) covered.push(await existing(this.deps.store, documentId, id));
    for (const amendment of covered) if (amendment.status !== 'tabled') throw notOpen(amendment.number);
    const clauseId = covered[0]?.clauseId ?? '';
    if (covered.some((amendment) => amendment.clauseId !== clauseId)) {
      throw new BadRequestError('covers: a compromise covers amendments to one clause.');
    }
    const clause = await this.liveClause(documentId, clauseId);
    const proposedText = normaliseLineBreaks(input.proposedText);
    const kind = compromiseKind(covered, proposedText);
    requireNoNewForbiddenCharacter('proposedText', proposedText, kind === 'insert' ? '' : clause.text);
    if (kind === 'modify' && proposedText === clause.text) {
      throw new BadRequestError('proposedText: this wording is the clause as it reads now.');
    }
    const { store } = this.deps;
    const { compromise, coveredIds } = await store.transaction(async (amendments) => {
      requireRoomForAmendment(await amendments.counts(documentId, actor.user.participant.id));
      const created = await amendments.insert({
        documentId,
        kind,
        clauseId,
        clauseNumber: clause.number,
        baseText: clause.text,
        proposedText: kind === 'delete' ? '' : proposedText,
        justification: input.justification,
        proponentParticipantId: actor.user.participant.id,
        tabledBy: actor.user.id,
        compromise: true,
        covers: covered.map((amendment) => amendment.number),
      });
      for (const amendment of covered) {
        const outcome = {
          status: 'covered-by-compromise' as const,
          decidedBy: actor.user.id,
          coveredBy: created.number,
        };
        if (!(await amendments.conclude(documentId, amendment.id, outcome))) throw notOpen(amendment.number);
      }
      return { compromise: created, coveredIds: covered.map((amendment) => amendment.id) };
    });
    this.fallen.forget(documentId);
    await this.publish(documentId, [compromise, ...(await this.current(documentId, coveredIds))]);
    this.audit('amendment-compromise', actor, compromise, { covers: compromise.covers });
    return compromise;
  }

  /** Withdraws or rejects in one transaction (a compromise's covered amendments back to tabled), then publishes. */
  private async concludeRecordOnly(
    documentId: string,
    amendment: Amendment,
    status: 'withdrawn' | 'rejected',
    actor: AmendmentActor,
  ): Promise<Amendment> {
    const reopened = await this.deps.store.transaction(async (amendments) => {
      if (!(await amendments.conclude(documentId, amendment.id, { status, decidedBy: actor.user.id })))
        throw notOpen(amendment.number);
      return amendment.compromise ? amendments.uncover(documentId, amendment.number) : [];
    });
    this.fallen.forget(documentId);
    const changed = await this.current(documentId, [amendment.id, ...reopened]);
    await this.publish(documentId, changed);
    return changed[0] as Amendment;
  }

  /** The stored amendments with these ids (in the order given; each was just written, so it exists). */
  private current(documentId: string, amendmentIds: readonly string[]): Promise<Amendment[]> {
    return Promise.all(
      amendmentIds.map(async (id) => (await this.deps.store.get(documentId, id)) as Amendment),
    );
  }

  /** A clause of the live text (the open room's, or the stored one): id, number and plain text; 404 when absent. */
  private async liveClause(
    documentId: string,
    clauseId: string,
  ): Promise<{ id: string; number: string; text: string }> {
    const read = (doc: Y.Doc) => readClauses(doc).find((clause) => clause.id === clauseId);
    const open = this.deps.rooms.get(documentId);
    let clause: ReturnType<typeof read>;
    if (open) {
      clause = await open.exclusive(() => read(open.doc));
    } else {
      const doc = docFromStoredState(await this.deps.storage.load(documentId));
      clause = read(doc);
      doc.destroy();
    }
    if (!clause) throw new NotFoundError('No such clause in this document.');
    return clause;
  }

  private async publishOne(documentId: string, amendmentId: string): Promise<Amendment> {
    const amendment = await this.deps.store.get(documentId, amendmentId);
    if (!amendment) throw new HttpError(500, 'internal', 'The amendment was not stored.');
    await this.publish(documentId, [amendment]);
    return amendment;
  }

  /** Pushes each amendment live as a negotiation notice, in the order given. */
  private async publish(documentId: string, amendments: readonly Amendment[]): Promise<void> {
    for (const amendment of amendments)
      await this.deps.events.publish(documentId, { type: 'amendment', amendment });
  }

  private audit(
    action: 'amendment-decided' | 'amendment-withdrawn' | 'amendment-compromise',
    actor: AmendmentActor,
    amendment: Amendment,
    detail: Record<string, unknown>,
  ): void {
    // After the commit: the decision stands even if the audit write fails (then logged as an error).
    try {
      this.deps.audit.record(
        action,
        { userId: actor.user.id, email: actor.user.email, ip: actor.ip },
        `AM ${amendment.number}`,
        {
          documentId: amendment.documentId,
          amendmentId: amendment.id,
          clause: amendment.clauseNumber,
          ...detail,
        },
      );
    } catch (error) {
      this.deps.logger.error(
        { err: error, amendmentId: amendment.id, action },
        'could not audit an amendment change',
      );
    }
  }
}

/** An amendment of the document, read through `amendments`; 404 when it has none with this id. */
async function existing(
  amendments: Pick<AmendmentRepository, 'get'>,
  documentId: string,
  amendmentId: string,
): Promise<Amendment> {
  const amendment = await amendments.get(documentId, amendmentId);
  if (!amendment) throw new NotFoundError('No such amendment.');
  return amendment;
}

/** A compromise of new clauses is a new clause; otherwise it changes the clause, or deletes it when its wording is empty. */
function compromiseKind(covered: readonly Amendment[], proposedText: string): AmendmentKind {
  const inserts = covered.filter((amendment) => amendment.kind === 'insert').length;
  if (inserts > 0 && inserts < covered.length) {
    throw new BadRequestError(
      'covers: a compromise cannot merge new clauses with changes to an existing one.',
    );
  }
  if (inserts > 0) {
    if (proposedText.trim() === '') throw new BadRequestError('proposedText: write the new clause first.');
    return 'insert';
  }
  return proposedText.trim() === '' ? 'delete' : 'modify';
}
