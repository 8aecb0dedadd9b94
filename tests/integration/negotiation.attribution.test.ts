import { CONTENT_FIELD } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** Which delegations edited which clause, per stored update, kept through compaction. */
describe('clause edit attribution (clause_edits) through compaction', () => {
  let server: TestServer;
  let documentId: string;
  let hu: CollabClient;
  let cz: CollabClient;
  let huCookie: string;
  let czCookie: string;
  let clauseIds: string[];

  beforeAll(async () => {
    server = await startTestServer({ compactAfterUpdates: 3 });
    documentId = server.actionPlanId();
    huCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    czCookie = (await server.signIn(DEMO.czechDrafter)).cookie;
    hu = await connectWellBehaved(server.wsUrl, documentId, huCookie);
    cz = await connectWellBehaved(server.wsUrl, documentId, czCookie);
    clauseIds = readClauses(hu.doc).map((clause) => clause.id);
  });
  afterAll(async () => {
    hu.destroy();
    cz.destroy();
    await server.dispose();
  });

  const db = () => server.server.db;
  const clauseId = (index: number) => clauseIds[index] ?? '';

  function editorsOf(clause: string): string[] {
    return db()
      .prepare<[string, string], { code: string }>(
        `SELECT DISTINCT p.code FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         WHERE e.document_id = ? AND e.clause_id = ? ORDER BY p.code`,
      )
      .all(documentId, clause)
      .map((row) => row.code);
  }

  function editRows(): { update_id: number; clause_id: string; code: string }[] {
    return db()
      .prepare<[string], { update_id: number; clause_id: string; code: string }>(
        `SELECT e.update_id, e.clause_id, p.code FROM clause_edits e JOIN participants p ON p.id = e.participant_id
         WHERE e.document_id = ? ORDER BY e.update_id, e.clause_id`,
      )
      .all(documentId);
  }

  function compactedUpTo(): number {
    return (
      db()
        .prepare<[string], { last_update_id: number }>(
          'SELECT last_update_id FROM document_states WHERE document_id = ?',
        )
        .get(documentId)?.last_update_id ?? 0
    );
  }

  async function synced(token: string): Promise<void> {
    await waitFor(() => contentOf(hu.doc) === contentOf(cz.doc) && contentOf(cz.doc).includes(token), {
      what: `both clients have ${token}`,
    });
  }

  it('records both delegations on a clause both edited, and keeps the rows after compaction', async () => {
    const target = clauseId(2);
    expect(editorsOf(target)).toEqual([]);
    clauseParagraphText(hu.doc, 2).insert(0, '[HU wording] ');
    await synced('[HU wording] ');
    clauseParagraphText(cz.doc, 2).insert(0, '[CZ wording] ');
    await synced('[CZ wording] ');
    expect(editorsOf(target)).toEqual(['CZ', 'HU']);
    const rowsBefore = editRows().filter((row) => row.clause_id === target);

    // More updates elsewhere: with compactAfterUpdates 3 the updates above are folded into the state.
    for (let i = 0; i < 4; i++) {
      clauseParagraphText(hu.doc, 8).insert(0, `[more-${i}]`);
      await synced(`[more-${i}]`);
    }
    await waitFor(() => compactedUpTo() >= Math.max(...rowsBefore.map((row) => row.update_id)), {
      what: 'compaction past the attributed updates',
    });
    const leftover = db()
      .prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM document_updates WHERE document_id = ? AND id <= ?',
      )
      .get(documentId, compactedUpTo());
    expect(leftover?.n).toBe(0);
    expect(editRows().filter((row) => row.clause_id === target)).toEqual(rowsBefore);
    expect(editorsOf(target)).toEqual(['CZ', 'HU']);
    expect(editorsOf(clauseId(8))).toEqual(['HU']);
  });

  it('attributes one update to every clause it touches, and text outside clauses to none', async () => {
    const before = editRows().length;
    hu.doc.transact(() => {
      clauseParagraphText(hu.doc, 12).insert(0, '[pair-a] ');
      clauseParagraphText(hu.doc, 13).insert(0, '[pair-b] ');
    });
    await synced('[pair-b] ');
    const added = editRows().slice(before);
    expect(added.map((row) => [row.clause_id, row.code]).sort()).toEqual(
      [
        [clauseId(12), 'HU'],
        [clauseId(13), 'HU'],
      ].sort(),
    );
    expect(new Set(added.map((row) => row.update_id)).size).toBe(1);

    // The preamble is not a clause: the edit is stored but attributed to no clause.
    const preamble = hu.doc.getXmlFragment(CONTENT_FIELD).get(1) as Y.XmlElement;
    (preamble.get(0) as Y.XmlText).insert(0, '[preamble] ');
    await synced('[preamble] ');
    expect(editRows()).toHaveLength(before + 2);
  });

  it('keeps the attribution after everyone left (unload compaction) and a restart', async () => {
    const rows = editRows();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    hu.destroy();
    cz.destroy();
    await waitFor(() => server.server.collab.rooms.size === 0, { what: 'room unloaded' });
    expect(server.server.repositories.documentStorage.countUpdates(documentId)).toBe(0);
    await server.restart();
    expect(editRows()).toEqual(rows);
    expect(editorsOf(clauseId(2))).toEqual(['CZ', 'HU']);
    // Clients for afterAll (and a last check that the text survived too).
    hu = await connectWellBehaved(server.wsUrl, documentId, huCookie);
    cz = await connectWellBehaved(server.wsUrl, documentId, czCookie);
    expect(contentOf(hu.doc)).toContain('[CZ wording] [HU wording] ');
  });
});
