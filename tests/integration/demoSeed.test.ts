import { CloseCode, type NegotiationState } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { readDocumentStructure } from '../../server/src/content/structure';
import { connectSynced } from '../support/collabClient';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('the demo of `npm start`: a negotiation under way', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seedDemoNegotiation: true });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('has statuses, positions, a bracket in the text and threads mentioning delegations', async () => {
    const documentId = server.actionPlanId();
    const { cookie } = await server.signIn(DEMO.penHolder);
    const state = (await (
      await fetch(`${server.url}/api/documents/${documentId}/negotiation`, { headers: { cookie } })
    ).json()) as NegotiationState;
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    const numberOf = new Map(readClauses(doc).map((clause) => [clause.id, clause.number]));
    const statuses = state.statuses.map((entry) => `${numberOf.get(entry.clauseId)} ${entry.status}`).sort();
    expect(statuses).toEqual(['4.3 agreed-ad-referendum', '5.2 bracketed', '6.4 agreed']);
    expect(state.positions.map((p) => p.participantCode).sort()).toEqual(['CZ', 'HU', 'UA', 'UA']);
    expect(state.brackets).toHaveLength(1);
    expect(state.brackets[0]?.alternatives.map((a) => a.proponentCode)).toEqual(['HU', 'CZ']);
    const bracketRuns = readDocumentStructure(doc)
      .sections.flatMap((section) => section.clauses)
      .flatMap((clause) => clause.blocks.flatMap((block) => block.runs))
      .filter((run) => run.bracketId === state.brackets[0]?.id);
    expect(bracketRuns.map((run) => run.text).join('')).toBe('and encourage their productive investment');
    expect(state.threads.flatMap((thread) => thread.comments.flatMap((c) => c.mentions)).sort()).toEqual([
      'ICMPD',
      'PL',
    ]);
    const mentions = (await (
      await fetch(`${server.url}/api/me/mentions`, { headers: { cookie } })
    ).json()) as {
      unread: number;
    };
    expect(mentions.unread).toBe(1);
    doc.destroy();
  });

  it('has amendments of several delegations to three clauses, tabled against Rev. 1', async () => {
    const documentId = server.actionPlanId();
    const { cookie } = await server.signIn(DEMO.commenter);
    const state = (await (
      await fetch(`${server.url}/api/documents/${documentId}/negotiation`, { headers: { cookie } })
    ).json()) as NegotiationState;
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    const textOf = new Map(readClauses(doc).map((clause) => [clause.id, clause.text]));
    doc.destroy();
    const summary = state.amendments.map(
      (a) => `AM ${a.number} ${a.proponentCode} ${a.kind} ${a.clauseNumber} ${a.status}`,
    );
    expect(summary).toEqual([
      'AM 1 UA modify 2.3 covered-by-compromise',
      'AM 2 HU modify 2.3 covered-by-compromise',
      'AM 3 CZ modify 1.2 tabled',
      'AM 4 UA modify 1.2 withdrawn',
      'AM 5 ICMPD insert 1.2 tabled',
      'AM 6 HU delete 3.3 rejected',
      'AM 7 UA modify 3.3 tabled',
      'AM 8 PL modify 2.3 tabled',
    ]);
    const compromise = state.amendments[7];
    expect(compromise?.compromise).toBe(true);
    expect(compromise?.covers).toEqual([1, 2]);
    expect(state.amendments.slice(0, 2).map((a) => a.coveredBy)).toEqual([8, 8]);
    expect(state.amendments[2]?.cosponsors.map((c) => c.participantCode)).toEqual(['HU']);
    expect(state.amendments.filter((a) => a.cosponsors.length > 0)).toHaveLength(1);
    for (const amendment of state.amendments) {
      expect(amendment.justification.length).toBeGreaterThan(20);
      expect(amendment.baseVersionLabel).toMatch(/^Rev\. 1/);
      // Drafted against the clause as it reads (the seeded text is Rev. 1).
      expect(amendment.baseText).toBe(textOf.get(amendment.clauseId));
      if (amendment.kind === 'modify') expect(amendment.proposedText).not.toBe(amendment.baseText);
    }
    expect(state.amendments[3]?.decidedBy?.participantCode).toBe('UA');
    expect(state.amendments[5]?.decidedBy?.participantCode).toBe('PL');
  });

  it('locks the agreed clause 6.4', async () => {
    const documentId = server.actionPlanId();
    const client = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    const agreed = readClauses(client.doc).find((clause) => clause.number === '6.4');
    const section = client.doc
      .getXmlFragment('content')
      .toArray()
      .filter((node) => node instanceof Y.XmlElement && node.nodeName === 'section')
      .at(-1) as Y.XmlElement;
    const element = section
      .toArray()
      .find((node) => (node as Y.XmlElement).getAttribute('id') === agreed?.id);
    const paragraph = (element as Y.XmlElement).get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).insert(0, 'Unagreed words ');
    await waitFor(() => client.closeCodes.includes(CloseCode.ClauseLocked), {
      what: 'the edit refused with 4423',
    });
    const stored = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    expect(readClauses(stored).find((clause) => clause.id === agreed?.id)?.text).not.toContain(
      'Unagreed words',
    );
    client.destroy();
    stored.destroy();
  });
});
