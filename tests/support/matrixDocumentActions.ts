import { createHash } from 'node:crypto';
import type { Amendment, Bracket, DocumentAction, NegotiationState, Role } from '@draftroom/shared';
import { expect } from 'vitest';
import { REFUSAL } from '../../server/src/auth/policy';
import { createAmendableDocument } from './amendmentsApi';
import { storedPassage } from './bracketPassages';
import { type ApiAnswer, api, storedRowsDigest, userIdOf } from './securityHarness';
import type { MatrixActor } from './securityMatrix';
import { DEMO, type SignedIn, type TestServer } from './testServer';

/** An HTTP request of the permission matrix; `{documentId}` in the path stands for the rig's document. */
export interface MatrixRequest {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * A document action (bracket, amendment) as the permission matrix tries it:
 * `prepare` makes what the request needs with sessions that may (a bracket
 * to propose a wording for, an amendment to co-sign…) on a clause of its
 * own, and returns the request; `minimum` is the least role that may do it
 * and `action` the policy's name for it (whose refusal a lower role gets);
 * `check` looks at what an allowed request answered.
 */
export interface DocumentActionSpec {
  minimum: Role;
  action?: DocumentAction;
  success: number;
  prepare(context: ActionContext): Promise<MatrixRequest>;
  check?(answer: ApiAnswer, context: ActionContext): void | Promise<void>;
}

/** What `prepare` and `check` get: the actor, its clause (id and text), and the rig. */
export interface ActionContext {
  actor: MatrixActor;
  session: SignedIn | undefined;
  clauseId: string;
  clauseText: string;
  rig: DocumentActionRig;
}

const ROLE_ORDER: Role[] = ['pen-holder', 'drafter', 'commenter', 'observer'];

/** The text clause `slot` (0-based) starts with. */
const clauseTextOf = (slot: number) =>
  `Measure ${slot + 1} strengthens alpha cooperation on bravo return and charlie training.`;

/**
 * A document of the Action Plan's process for the bracket and amendment rows
 * of the permission matrix, one clause per actor and row (so no row depends
 * on what another changed), with the same people and roles as the Action
 * Plan: the Czech drafter's role is `none` here too. Fixtures are made by
 * the pen-holder (brackets) and the ICMPD secretariat (a drafter of a
 * delegation no actor belongs to: amendments others may co-sign).
 */
export class DocumentActionRig {
  private constructor(
    readonly server: TestServer,
    readonly documentId: string,
    private readonly clauseIds: string[],
    readonly penHolder: SignedIn,
    readonly secretariat: SignedIn,
  ) {}

  static async start(server: TestServer, rows: number, actors: number): Promise<DocumentActionRig> {
    const texts = Array.from({ length: rows * actors }, (_, slot) => clauseTextOf(slot));
    const { documentId, clauseIds } = createAmendableDocument(server, texts);
    const none = await api(
      server,
      'PUT',
      `/api/admin/documents/${documentId}/roles/${userIdOf(server, DEMO.czechDrafter)}`,
      { session: await server.signIn(DEMO.admin), body: { role: 'none' } },
    );
    expect(none.status).toBe(204);
    const penHolder = await server.signIn(DEMO.penHolder);
    const secretariat = await server.signIn(DEMO.secretariat);
    return new DocumentActionRig(server, documentId, clauseIds, penHolder, secretariat);
  }

  /** `{documentId}` of a path replaced by `documentId`. */
  path(path: string, documentId = this.documentId): string {
    return path.replaceAll('{documentId}', documentId);
  }

  /** Sends `request` as `session`. */
  send(
    session: SignedIn | undefined,
    request: MatrixRequest,
    documentId = this.documentId,
  ): Promise<ApiAnswer> {
    return api(this.server, request.method, this.path(request.path, documentId), {
      session,
      body: request.body,
    });
  }

  /** Sends a fixture request that must succeed with `status`; returns its body. */
  async fixture<T>(session: SignedIn, request: MatrixRequest, status: number): Promise<T> {
    const answer = await this.send(session, request);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body as T;
  }

  /** Brackets `words` of the clause as the pen-holder, `others` as further wordings. */
  bracket(clauseId: string, words: string, others: string[] = []): Promise<Bracket> {
    const body = storedPassage(this.server, clauseId, words, others, this.documentId);
    return this.fixture(
      this.penHolder,
      { method: 'POST', path: '/api/documents/{documentId}/brackets', body },
      201,
    );
  }

  /** Tables a change to the clause as `session` (default: the secretariat). */
  table(clauseId: string, clauseText: string, session = this.secretariat): Promise<Amendment> {
    const body = {
      kind: 'modify',
      clauseId,
      baseText: clauseText,
      proposedText: `${clauseText} Also delta.`,
    };
    return this.fixture(
      session,
      { method: 'POST', path: '/api/documents/{documentId}/amendments', body },
      201,
    );
  }

  /** The document's stored text and its whole negotiation record, as one digest. */
  async storedDigest(): Promise<string> {
    const state = await api(this.server, 'GET', this.path('/api/documents/{documentId}/negotiation'), {
      session: this.penHolder,
    });
    expect(state.status).toBe(200);
    const record = state.body as NegotiationState;
    return createHash('sha256')
      .update(storedRowsDigest(this.server, this.documentId))
      .update(JSON.stringify(record))
      .digest('hex');
  }

  /**
   * Runs one row for one actor on clause `slot`: allowed roles get `success`
   * (and `check`); a lower role 403 with the policy's refusal for the action;
   * no role 404 exactly as for a document that does not exist; signed out 401.
   * Refused: the stored text and the negotiation record are unchanged.
   */
  async run(
    actor: MatrixActor,
    session: SignedIn | undefined,
    spec: DocumentActionSpec,
    slot: number,
  ): Promise<string> {
    const clauseId = this.clauseIds[slot] ?? '';
    const clauseText = clauseTextOf(slot);
    const context: ActionContext = { actor, session, clauseId, clauseText, rig: this };
    const request = await spec.prepare(context);
    const before = await this.storedDigest();
    const answer = await this.send(session, request);
    const role = actor.docRole;
    const allowed = role !== null && ROLE_ORDER.indexOf(role) <= ROLE_ORDER.indexOf(spec.minimum);
    const expected = actor.anonymous ? 401 : role === null ? 404 : allowed ? spec.success : 403;
    expect(answer.status, JSON.stringify(answer.body)).toBe(expected);
    if (allowed) {
      await spec.check?.(answer, context);
      return String(expected);
    }
    if (expected === 403 && spec.action) {
      expect(answer.body).toMatchObject({ error: 'forbidden', message: REFUSAL[spec.action] });
    }
    if (expected === 404) {
      const unknown = await this.send(session, request, 'no-such-document');
      expect(answer.body).toEqual(unknown.body);
    }
    expect(await this.storedDigest()).toBe(before);
    return String(expected);
  }
}
