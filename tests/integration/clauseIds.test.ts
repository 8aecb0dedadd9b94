import { CONTENT_FIELD, ID_ATTR, NodeName } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const CLAUSE_ID = /^cl-[0-9a-f]{12}$/;

function clauseIds(doc: Y.Doc): string[] {
  return readClauses(doc).map((clause) => clause.id);
}

/** The section elements of the content fragment. */
function sections(doc: Y.Doc): Y.XmlElement[] {
  return doc
    .getXmlFragment(CONTENT_FIELD)
    .toArray()
    .filter(
      (node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === NodeName.section,
    );
}

/**
 * Moves a clause the way an editor does (delete + re-insert): a new element
 * with the same id attribute and a copy of the content, in one transaction.
 */
function moveClause(
  doc: Y.Doc,
  fromSection: number,
  fromIndex: number,
  toSection: number,
  toIndex: number,
): void {
  doc.transact(() => {
    const source = sections(doc)[fromSection];
    const target = sections(doc)[toSection];
    if (!source || !target) throw new Error('no such section');
    const clause = source.get(fromIndex);
    if (!(clause instanceof Y.XmlElement) || clause.nodeName !== NodeName.clause)
      throw new Error('not a clause');
    const moved = new Y.XmlElement(NodeName.clause);
    moved.setAttribute(ID_ATTR, String(clause.getAttribute(ID_ATTR)));
    moved.insert(
      0,
      clause.toArray().map((child) => (child as Y.XmlElement).clone()),
    );
    source.delete(fromIndex, 1);
    target.insert(toIndex, [moved]);
  });
}

describe('stable clause ids', () => {
  let server: TestServer;
  const clients: CollabClient[] = [];

  async function join(cookie: string): Promise<CollabClient> {
    const client = await connectSynced(server.wsUrl, server.actionPlanId(), cookie);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('every clause and section of the seeded Action Plan has a present, unique id', () => {
    const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    const clauses = readClauses(doc);
    expect(clauses.length).toBeGreaterThanOrEqual(20);
    for (const clause of clauses) expect(clause.id).toMatch(CLAUSE_ID);
    expect(new Set(clauses.map((c) => c.id)).size).toBe(clauses.length);
    const sectionIds = sections(doc).map((section) => String(section.getAttribute(ID_ATTR)));
    for (const id of sectionIds) expect(id).toMatch(/^sec-[0-9a-f]{12}$/);
    expect(new Set(sectionIds).size).toBe(sectionIds.length);
    expect(clauses[0]?.number).toBe('1.1');
    doc.destroy();
  });

  it('keeps every clause id through edits of clause text, as seen by every client', async () => {
    const a = await join((await server.signIn(DEMO.penHolder)).cookie);
    const b = await join((await server.signIn(DEMO.hungarianDrafter)).cookie);
    const idsBefore = clauseIds(a.doc);
    const textsBefore = readClauses(a.doc).map((clause) => clause.text);

    clauseParagraphText(a.doc, 0).insert(0, 'Amended: ');
    const third = clauseParagraphText(b.doc, 2);
    third.delete(0, Math.min(10, third.length));
    third.insert(0, 'Rewritten ');
    await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && contentOf(a.doc).includes('Rewritten '), {
      what: 'edits converged',
    });

    expect(clauseIds(a.doc)).toEqual(idsBefore);
    expect(clauseIds(b.doc)).toEqual(idsBefore);
    const clauses = readClauses(a.doc);
    expect(clauses[0]?.text).toBe(`Amended: ${textsBefore[0]}`);
    expect(clauses[2]?.text.startsWith('Rewritten ')).toBe(true);
    expect(clauses[1]?.text).toBe(textsBefore[1]);
  });

  it('keeps every clause id after a restart and reload from SQLite', async () => {
    const cookie = (await server.signIn(DEMO.penHolder)).cookie;
    const a = await join(cookie);
    clauseParagraphText(a.doc, 1).insert(0, '[before restart] ');
    const b = await join(cookie);
    await waitFor(() => contentOf(b.doc) === contentOf(a.doc), { what: 'b has the edit' });
    const before = readClauses(a.doc);
    for (const client of clients.splice(0)) client.destroy();

    await server.restart();

    const stored = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    expect(readClauses(stored)).toEqual(before);
    stored.destroy();
    const reloaded = await join(cookie);
    expect(readClauses(reloaded.doc)).toEqual(before);
  });

  it('keeps a moved clause its id; numbering follows the new position, and the move survives a reload', async () => {
    const cookie = (await server.signIn(DEMO.penHolder)).cookie;
    const a = await join(cookie);
    const b = await join((await server.signIn(DEMO.czechDrafter)).cookie);
    const before = readClauses(a.doc);
    const movedClause = before[0];
    if (!movedClause) throw new Error('no clause');
    const secondSectionStart = before.findIndex((clause) => clause.sectionId !== movedClause.sectionId);

    // First clause of section 1 → second position of section 2.
    moveClause(a.doc, 0, 1, 1, 2);
    await waitFor(() => contentOf(b.doc) === contentOf(a.doc), { what: 'move reached b' });

    const after = readClauses(b.doc);
    expect(after).toHaveLength(before.length);
    expect(new Set(after.map((clause) => clause.id)).size).toBe(after.length);
    const moved = after.find((clause) => clause.id === movedClause.id);
    expect(moved?.text).toBe(movedClause.text);
    expect(moved?.sectionId).toBe(before[secondSectionStart]?.sectionId);
    expect(moved?.number).toBe('2.2');
    // Every other clause keeps its id and text.
    const textsById = new Map(before.map((clause) => [clause.id, clause.text]));
    for (const clause of after) expect(clause.text).toBe(textsById.get(clause.id));

    for (const client of clients.splice(0)) client.destroy();
    await waitFor(() => server.server.collab.rooms.size === 0, { what: 'room unloaded' });
    const reloaded = await join(cookie);
    expect(readClauses(reloaded.doc)).toEqual(after);
  });
});
