import type { Amendment, AmendmentDecision, NegotiationEvent, ServerNotice } from '@draftroom/shared';
import * as Y from 'yjs';
import { findClause } from '../../server/src/amendments/clauseWriter';
import { encodeOutline, readClauses } from '../../server/src/content/outline';
import { type CollabClient, connectSynced } from './collabClient';
import { type ApiResult, NegotiationApi, type RequestOptions } from './negotiationApi';
import { plain, recordProviderNotices } from './negotiationLive';
import { loadStoredDoc } from './rawCollab';
import { DEMO, type TestServer } from './testServer';

/** The amendments API as one signed-in user sees it on one document. */
export class AmendmentsApi extends NegotiationApi {
  private path(suffix = ''): string {
    return `/api/documents/${this.documentId}/amendments${suffix}`;
  }

  list(): Promise<ApiResult<Amendment[]>> {
    return this.request('GET', this.path());
  }

  table(input: Record<string, unknown>, options?: RequestOptions) {
    return this.request<Amendment & { code?: string; currentText?: string }>(
      'POST',
      this.path(),
      input,
      options,
    );
  }

  cosponsor(amendmentId: string) {
    return this.request<Amendment>('POST', this.path(`/${amendmentId}/cosponsors`));
  }

  uncosponsor(amendmentId: string) {
    return this.request<Amendment>('DELETE', this.path(`/${amendmentId}/cosponsors`));
  }

  withdraw(amendmentId: string) {
    return this.request<Amendment>('POST', this.path(`/${amendmentId}/withdrawal`));
  }

  decide(amendmentId: string, decision: AmendmentDecision | Record<string, unknown>) {
    return this.request<Amendment & Record<string, unknown>>(
      'POST',
      this.path(`/${amendmentId}/decision`),
      decision,
    );
  }

  compromise(input: Record<string, unknown>) {
    return this.request<Amendment>('POST', this.path('/compromise'), input);
  }
}

/** Signs `email` in and returns the amendments API on `documentId`. */
export async function amendmentsAs(
  server: TestServer,
  email: string,
  documentId: string,
): Promise<AmendmentsApi> {
  return new AmendmentsApi(server, await server.signIn(email), documentId);
}

let documents = 0;

/**
 * A new document in the Action Plan's process (same participants and default
 * roles) with one section of `clauses`; returns its id and the clause ids in order.
 */
export function createAmendableDocument(
  server: TestServer,
  clauses: string[],
): { documentId: string; clauseIds: string[] } {
  const { documents: repository, documentStorage } = server.server.repositories;
  const processId = repository.findProcessId(server.actionPlanId());
  if (!processId) throw new Error('no process');
  const title = `Amendment test ${++documents}`;
  const outline = {
    preamble: { heading: title, paragraphs: ['Preamble.'] },
    sections: [{ title: 'Return', clauses }],
  };
  const documentId = repository.create(processId, title, encodeOutline(outline));
  const doc = loadStoredDoc(documentStorage, documentId);
  const clauseIds = readClauses(doc).map((clause) => clause.id);
  doc.destroy();
  return { documentId, clauseIds };
}

/** The stored plain text of each clause of a document, by id. */
export function storedClauseTexts(server: TestServer, documentId: string): Map<string, string> {
  const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
  const texts = new Map(readClauses(doc).map((clause) => [clause.id, clause.text]));
  doc.destroy();
  return texts;
}

/** The clause texts a client's copy holds, by id. */
export function clientClauseTexts(doc: Y.Doc): Map<string, string> {
  return new Map(readClauses(doc).map((clause) => [clause.id, clause.text]));
}

/** A provider client that records the server's notices; `amendments()` lists the amendment events it received. */
export interface WatchingClient extends CollabClient {
  notices: ServerNotice[];
  amendmentEvents(): Amendment[];
}

export async function watchDocument(
  server: TestServer,
  email: string,
  documentId: string,
): Promise<WatchingClient> {
  const { cookie } = await server.signIn(email);
  const client = await connectSynced(server.wsUrl, documentId, cookie);
  const notices = recordProviderNotices(client.provider);
  return {
    ...client,
    notices,
    amendmentEvents: () =>
      notices.flatMap((notice) => {
        if (notice.kind !== 'negotiation') return [];
        const event = notice.event as NegotiationEvent;
        return event.type === 'amendment' ? [event.amendment] : [];
      }),
  };
}

/** Types `text` at offset `at` of the first paragraph of clause `clauseId` in a client's copy. */
export function typeInClause(doc: Y.Doc, clauseId: string, at: number, text: string): void {
  const paragraph = findClause(doc, clauseId)?.clause.get(0);
  if (!(paragraph instanceof Y.XmlElement)) throw new Error(`no clause ${clauseId}`);
  (paragraph.get(0) as Y.XmlText).insert(at, text);
}

/** Replaces the first occurrence of `words` in the first paragraph of clause `clauseId` in a client's copy. */
export function replaceInClause(doc: Y.Doc, clauseId: string, words: string, by: string): void {
  const paragraph = findClause(doc, clauseId)?.clause.get(0);
  if (!(paragraph instanceof Y.XmlElement)) throw new Error(`no clause ${clauseId}`);
  const text = paragraph.get(0) as Y.XmlText;
  const at = plain(text).indexOf(words);
  if (at < 0) throw new Error(`"${words}" not in clause ${clauseId}`);
  doc.transact(() => {
    text.delete(at, words.length);
    text.insert(at, by);
  });
}

/**
 * A fresh document with `clauses`, the amendments API of the demo delegations
 * on it (UA commenter, HU and CZ drafters, PL pen-holder, UNHCR observer) and
 * a connected Hungarian drafter's editor (the caller destroys it).
 */
export async function amendmentScene(server: TestServer, clauses: string[]) {
  const { documentId, clauseIds } = createAmendableDocument(server, clauses);
  const [ua, hu, cz, pl, observer] = await Promise.all([
    amendmentsAs(server, DEMO.commenter, documentId),
    amendmentsAs(server, DEMO.hungarianDrafter, documentId),
    amendmentsAs(server, DEMO.czechDrafter, documentId),
    amendmentsAs(server, DEMO.penHolder, documentId),
    amendmentsAs(server, DEMO.observer, documentId),
  ]);
  const drafter = await watchDocument(server, DEMO.hungarianDrafter, documentId);
  return { documentId, clauseIds, ua, hu, cz, pl, observer, drafter };
}
