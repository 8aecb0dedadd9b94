/**
 * Accepting amendments as server commands (real server, SQLite, y-websocket
 * clients): the text and the record change in one commit, connected clients
 * see the text change live, a change made since is merged at word level or
 * surfaced as a conflict with nothing applied, agreed clauses stay locked,
 * deleted clauses make amendments fall, and a failed commit changes nothing.
 */
import { CONTENT_FIELD } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { findClause } from '../../server/src/amendments/clauseWriter';
import {
  type AmendmentsApi,
  amendmentsAs,
  clientClauseTexts,
  createAmendableDocument,
  replaceInClause,
  storedClauseTexts,
  typeInClause,
  type WatchingClient,
  watchDocument,
} from '../support/amendmentsApi';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const RETURN = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
const REINTEGRATION =
  'Support returnees through access to employment and vocational training in countries of origin.';
const OTHER = 'Exchange good practices on the return of third-country nationals.';

describe('accepting amendments', () => {
  let server: TestServer;
  const clients: WatchingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  /** A fresh document, the delegations' APIs on it, and a connected Hungarian drafter. */
  async function scene(clauses = [RETURN, REINTEGRATION, OTHER]) {
    const { documentId, clauseIds } = createAmendableDocument(server, clauses);
    const [ua, cz, pl] = await Promise.all([
      amendmentsAs(server, DEMO.commenter, documentId),
      amendmentsAs(server, DEMO.czechDrafter, documentId),
      amendmentsAs(server, DEMO.penHolder, documentId),
    ]);
    const drafter = await watchDocument(server, DEMO.hungarianDrafter, documentId);
    clients.push(drafter);
    return { documentId, clauseIds, ua, cz, pl, drafter };
  }

  const modify = (clauseId: string, baseText: string, proposedText: string) => ({
    kind: 'modify',
    clauseId,
    baseText,
    proposedText,
    justification: 'Why not.',
  });

  async function tableOk(api: AmendmentsApi, input: Record<string, unknown>) {
    const result = await api.table(input);
    expect(result.status).toBe(201);
    return result.body;
  }

  /** Waits until the server has stored what a client typed (its text is in the stored document). */
  async function storedContains(documentId: string, clauseId: string, words: string) {
    await waitFor(() => storedClauseTexts(server, documentId).get(clauseId)?.includes(words), {
      what: `"${words}" stored`,
    });
  }

  it('applies exactly the proposed change and nothing else: live, stored, attributed, and after a restart', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed =
      'Give priority to safe and voluntary return over forced return, in cooperation with IOM.';
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    const before = storedClauseTexts(server, documentId);
    const otherContent = (doc: Y.Doc) =>
      doc
        .getXmlFragment(CONTENT_FIELD)
        .toArray()
        .map((node) => node.toString())
        .filter((xml) => !xml.includes(returnId))
        .join('');
    const untouchedBefore = otherContent(drafter.doc);

    const accepted = await pl.decide(amendment.id, { decision: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', decidedBy: { participantCode: 'PL' } });
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === proposed, {
      what: 'the text change live',
    });
    await waitFor(
      () => drafter.amendmentEvents().some((a) => a.id === amendment.id && a.status === 'accepted'),
      {
        what: 'the decision pushed live',
      },
    );
    expect(otherContent(drafter.doc)).toBe(untouchedBefore);
    const after = storedClauseTexts(server, documentId);
    expect(after).toEqual(new Map([...before].map(([id, text]) => [id, id === returnId ? proposed : text])));

    const edit = server.server.db
      .prepare(
        `SELECT p.code AS participant, u.email AS user FROM clause_edits e
         JOIN participants p ON p.id = e.participant_id JOIN users u ON u.id = e.user_id
         WHERE e.document_id = ? AND e.clause_id = ? ORDER BY e.update_id DESC LIMIT 1`,
      )
      .get(documentId, returnId) as { participant: string; user: string };
    expect(edit).toEqual({ participant: 'UA', user: DEMO.penHolder });

    drafter.destroy();
    clients.length = 0;
    await server.restart();
    expect(storedClauseTexts(server, documentId).get(returnId)).toBe(proposed);
    // The first request may meet a keep-alive connection the restart closed: retried until signed in.
    const reread = await waitFor(() => amendmentsAs(server, DEMO.observer, documentId), {
      what: 'signed in again',
    });
    expect((await reread.list()).body.find((a) => a.id === amendment.id)?.status).toBe('accepted');
  });

  it('merges a change made since in other words of the clause (stored, and typed while the accept runs)', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const amendment = await tableOk(
      ua,
      modify(
        returnId,
        RETURN,
        'Give clear priority to voluntary return over forced return, in cooperation with IOM.',
      ),
    );
    replaceInClause(drafter.doc, returnId, 'with IOM', 'with IOM and UNHCR');
    await storedContains(documentId, returnId, 'IOM and UNHCR');
    const accepting = pl.decide(amendment.id, { decision: 'accept' });
    typeInClause(drafter.doc, returnId, RETURN.indexOf(' over'), ' of returnees');
    expect((await accepting).status).toBe(200);
    const expected =
      'Give clear priority to voluntary return of returnees over forced return, in cooperation with IOM and UNHCR.';
    await waitFor(() => storedClauseTexts(server, documentId).get(returnId) === expected, {
      what: 'both changes stored',
    });
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === expected, {
      what: 'both changes live',
    });
  });

  it('surfaces a change in the same words as a conflict and applies nothing; accept-as-modified then settles it', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = 'Give priority to voluntary return over expulsion, in cooperation with IOM.';
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    replaceInClause(drafter.doc, returnId, 'forced return', 'deportation');
    await storedContains(documentId, returnId, 'deportation');
    const current = 'Give priority to voluntary return over deportation, in cooperation with IOM.';
    const before = storedClauseTexts(server, documentId);

    const conflict = await pl.decide(amendment.id, { decision: 'accept' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      code: 'amendment_conflict',
      amendmentId: amendment.id,
      baseText: RETURN,
      proposedText: proposed,
      currentText: current,
    });
    expect(storedClauseTexts(server, documentId)).toEqual(before);
    expect((await pl.list()).body.find((a) => a.id === amendment.id)?.status).toBe('tabled');

    const settled =
      'Give priority to voluntary return over expulsion or deportation, in cooperation with IOM.';
    const modified = await pl.decide(amendment.id, {
      decision: 'accept-as-modified',
      text: settled,
      againstText: current,
    });
    expect(modified.status).toBe(200);
    expect(modified.body).toMatchObject({ status: 'accepted-as-modified', acceptedText: settled });
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === settled, {
      what: 'the settled wording live',
    });
  });

  it('accepts two amendments to one clause one after the other; one that now reads as the text falls as moot', async () => {
    const { documentId, clauseIds, ua, cz, pl, drafter } = await scene();
    const [, reintegrationId] = clauseIds as [string, string];
    const first =
      'Support returnees and their families through access to employment and vocational training in countries of origin.';
    const second =
      'Support returnees through access to employment, vocational training and micro-credit in countries of origin.';
    const a = await tableOk(ua, modify(reintegrationId, REINTEGRATION, first));
    const b = await tableOk(cz, modify(reintegrationId, REINTEGRATION, second));
    const both =
      'Support returnees and their families through access to employment, vocational training and micro-credit in countries of origin.';
    const same = await tableOk(cz, modify(reintegrationId, REINTEGRATION, both));
    expect((await pl.decide(a.id, { decision: 'accept' })).status).toBe(200);
    expect((await pl.decide(b.id, { decision: 'accept' })).status).toBe(200);
    expect(storedClauseTexts(server, documentId).get(reintegrationId)).toBe(both);
    await waitFor(() => clientClauseTexts(drafter.doc).get(reintegrationId) === both, {
      what: 'both accepted, live',
    });
    const listed = new Map((await pl.list()).body.map((amendment) => [amendment.id, amendment]));
    expect(listed.get(same.id)).toMatchObject({ status: 'fallen', fallenReason: 'moot' });
    await waitFor(() => drafter.amendmentEvents().some((x) => x.id === same.id && x.status === 'fallen'), {
      what: 'the moot amendment pushed live',
    });
  });

  it('an amendment to a clause a client deletes in the editor falls at once (live notice)', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [, , otherId] = clauseIds as [string, string, string];
    const amendment = await tableOk(ua, modify(otherId, OTHER, 'Exchange best practices on return.'));
    const insert = await tableOk(ua, { kind: 'insert', clauseId: otherId, proposedText: 'A new clause.' });
    const location = findClause(drafter.doc, otherId);
    location?.section.delete(location.index, 1);
    await waitFor(() => drafter.amendmentEvents().filter((a) => a.status === 'fallen').length === 2, {
      what: 'both amendments fallen, live',
    });
    const listed = (await pl.list()).body.filter((a) => a.id === amendment.id || a.id === insert.id);
    expect(listed.map((a) => [a.status, a.fallenReason, a.decidedBy])).toEqual([
      ['fallen', 'clause-deleted', null],
      ['fallen', 'clause-deleted', null],
    ]);
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(409);
    expect(storedClauseTexts(server, documentId).has(otherId)).toBe(false);
  });

  it('refuses to accept an amendment to an agreed clause until the pen-holder reopens it', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = 'Give priority to voluntary return over forced return.';
    expect((await pl.setStatus(returnId, 'agreed')).status).toBe(200);
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    const refused = await pl.decide(amendment.id, { decision: 'accept' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('clause_locked');
    expect(storedClauseTexts(server, documentId).get(returnId)).toBe(RETURN);
    expect((await pl.list()).body.find((a) => a.id === amendment.id)?.status).toBe('tabled');
    expect((await pl.setStatus(returnId, 'open')).status).toBe(200);
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === proposed, {
      what: 'accepted once reopened',
    });
  });

  it('accepting a new clause inserts it after its clause; accepting a deletion removes the clause and makes the rest moot', async () => {
    const { documentId, clauseIds, ua, cz, pl, drafter } = await scene();
    const [returnId, reintegrationId, otherId] = clauseIds as [string, string, string];
    const inserted = await tableOk(ua, {
      kind: 'insert',
      clauseId: returnId,
      proposedText: 'Monitor returns.\nReport yearly.',
    });
    const accepted = await pl.decide(inserted.id, { decision: 'accept' });
    expect(accepted.status).toBe(200);
    const newId = accepted.body.createdClauseId as string;
    expect(newId).toMatch(/^cl-/);
    await waitFor(() => clientClauseTexts(drafter.doc).get(newId) === 'Monitor returns.\nReport yearly.', {
      what: 'the new clause live',
    });
    expect([...storedClauseTexts(server, documentId).keys()]).toEqual([
      returnId,
      newId,
      reintegrationId,
      otherId,
    ]);

    const deletion = await tableOk(cz, { kind: 'delete', clauseId: otherId, baseText: OTHER });
    const change = await tableOk(ua, modify(otherId, OTHER, 'Exchange best practices on return.'));
    expect((await pl.decide(deletion.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => !clientClauseTexts(drafter.doc).has(otherId), { what: 'the clause deleted live' });
    const listed = new Map((await pl.list()).body.map((amendment) => [amendment.id, amendment]));
    expect(listed.get(change.id)).toMatchObject({ status: 'fallen', fallenReason: 'moot' });
  });

  it('accepting a compromise writes its wording, attributed to the presidency; its originals stay covered', async () => {
    const { documentId, clauseIds, ua, cz, pl, drafter } = await scene();
    const [, reintegrationId] = clauseIds as [string, string];
    const a = await tableOk(
      ua,
      modify(reintegrationId, REINTEGRATION, REINTEGRATION.replace('employment', 'decent work')),
    );
    const b = await tableOk(
      cz,
      modify(reintegrationId, REINTEGRATION, REINTEGRATION.replace('training', 'education')),
    );
    const wording =
      'Support returnees through access to decent work and vocational education in countries of origin.';
    const compromise = await pl.compromise({
      covers: [a.id, b.id],
      proposedText: wording,
      justification: 'Both.',
    });
    expect(compromise.status).toBe(201);
    expect((await pl.decide(compromise.body.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(reintegrationId) === wording, {
      what: 'the compromise live',
    });
    expect(storedClauseTexts(server, documentId).get(reintegrationId)).toBe(wording);
    const listed = new Map((await pl.list()).body.map((amendment) => [amendment.id, amendment]));
    expect(listed.get(compromise.body.id)?.status).toBe('accepted');
    for (const id of [a.id, b.id]) expect(listed.get(id)?.status).toBe('covered-by-compromise');
    const edit = server.server.db
      .prepare(
        `SELECT p.code FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         WHERE e.document_id = ? AND e.clause_id = ? ORDER BY e.update_id DESC LIMIT 1`,
      )
      .get(documentId, reintegrationId) as { code: string };
    expect(edit.code).toBe('PL');
  });

  it('a failed commit changes neither the text nor the record (text write or record write refused)', async () => {
    const { documentId, clauseIds, ua, pl, drafter } = await scene();
    const [returnId] = clauseIds as [string];
    const proposed = 'Give priority to voluntary return over forced return, with IOM.';
    const amendment = await tableOk(ua, modify(returnId, RETURN, proposed));
    const { db } = server.server;
    const before = storedClauseTexts(server, documentId);
    const failures = [
      { trigger: 'BEFORE INSERT ON document_updates', status: 503 },
      { trigger: 'BEFORE UPDATE ON amendments', status: 500 },
    ];
    for (const failure of failures) {
      db.exec(
        `CREATE TRIGGER refuse_write ${failure.trigger} BEGIN SELECT RAISE(ABORT, 'write refused'); END;`,
      );
      try {
        const refused = await pl.decide(amendment.id, { decision: 'accept' });
        expect(refused.status).toBe(failure.status);
      } finally {
        db.exec('DROP TRIGGER refuse_write');
      }
      expect(storedClauseTexts(server, documentId)).toEqual(before);
      expect((await pl.list()).body.find((a) => a.id === amendment.id)?.status).toBe('tabled');
      expect(clientClauseTexts(drafter.doc).get(returnId)).toBe(RETURN);
      const room = server.server.collab.rooms.get(documentId);
      expect(room && clientClauseTexts(room.doc).get(returnId)).toBe(RETURN);
    }
    expect((await pl.decide(amendment.id, { decision: 'accept' })).status).toBe(200);
    await waitFor(() => clientClauseTexts(drafter.doc).get(returnId) === proposed, {
      what: 'accepted after all',
    });
  });
});
