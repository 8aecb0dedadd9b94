import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClauses } from '../../server/src/content/outline';
import { createLogger } from '../../server/src/logger';
import { NegotiationStore } from '../../server/src/negotiation/negotiationStore';
import { databasePath, openDatabase } from '../../server/src/store/database';
import { migrations } from '../../server/src/store/migrations';
import { storedPassage } from '../support/bracketPassages';
import { apiAs, createSecondDocument, type NegotiationApi } from '../support/negotiationApi';
import { loadStoredDoc } from '../support/rawCollab';
import { userIdOf } from '../support/securityHarness';
import { Database } from '../support/storedDocument';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

function clauseOf(server: TestServer, documentId: string, index = 0): string {
  const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
  const id = readClauses(doc)[index]?.id ?? '';
  doc.destroy();
  return id;
}

describe('bracket ids are scoped per document', () => {
  let server: TestServer;
  let secret: string;
  let secretClause: string;
  let planClause: string;
  let huSecret: NegotiationApi;
  let penPlan: NegotiationApi;

  beforeAll(async () => {
    server = await startTestServer();
    secret = createSecondDocument(server, 'Restricted annex');
    secretClause = clauseOf(server, secret);
    planClause = clauseOf(server, server.actionPlanId());
    // The Czech drafter has no role on the annex: it must not learn that the annex exists.
    server.server.repositories.documents.setUserRole(secret, userIdOf(server, DEMO.czechDrafter), 'none');
    huSecret = await apiAs(server, DEMO.hungarianDrafter, secret);
    penPlan = await apiAs(server, DEMO.penHolder);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("lets a user with no role on another document use that document's bracket id: 201, not 409 'taken'", async () => {
    const annex = storedPassage(server, secretClause, 'First clause', [], secret);
    expect((await huSecret.newBracket(annex)).status).toBe(201);
    const cz = await apiAs(server, DEMO.czechDrafter);
    const czOnAnnex = await apiAs(server, DEMO.czechDrafter, secret);
    expect((await czOnAnnex.state()).status).toBe(404);
    const plan = { ...storedPassage(server, planClause), id: annex.id };
    const reused = await cz.newBracket(plan);
    expect(reused.status).toBe(201);
    expect(reused.body).toMatchObject({
      id: annex.id,
      proponentCode: 'CZ',
      alternatives: [{ text: plan.anchor.quote }],
    });
    expect((await cz.newBracket(plan)).status).toBe(409);
  });

  it('keeps the two brackets of one id apart: alternatives, resolution and state belong to their own document', async () => {
    const annexInput = storedPassage(server, secretClause, 'second draft', [], secret);
    const { id } = annexInput;
    expect((await huSecret.newBracket(annexInput)).status).toBe(201);
    const planInput = { ...storedPassage(server, clauseOf(server, server.actionPlanId(), 1)), id };
    expect((await penPlan.newBracket(planInput)).status).toBe(201);
    expect((await huSecret.addAlternative(id, 'annex B')).status).toBe(201);
    expect((await penPlan.resolveBracket(id, { drop: true })).status).toBe(200);

    const annex = (await huSecret.state()).body.brackets.filter((b) => b.id === id);
    const plan = (await penPlan.state()).body.brackets.filter((b) => b.id === id);
    expect(annex).toHaveLength(1);
    expect(annex[0]).toMatchObject({ clauseId: secretClause, resolution: null });
    expect(annex[0]?.alternatives.map((a) => a.text)).toEqual(['second draft', 'annex B']);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ clauseId: planInput.clauseId, resolution: { kind: 'dropped' } });
    expect(plan[0]?.alternatives.map((a) => a.text)).toEqual([planInput.anchor.quote]);
    // Dropping the plan's bracket took its passage out of the plan's text only.
    expect(storedPassage(server, secretClause, 'second draft', [], secret).anchor.quote).toBe('second draft');
  });
});

describe('upgrading a database whose bracket ids were global', () => {
  const dir = mkdtempSync(join(tmpdir(), 'draftroom-brackets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every bracket and alternative, and then allows one id on two documents', () => {
    const legacy = new Database(databasePath(dir));
    for (const [index, migration] of migrations.slice(0, 4).entries()) {
      legacy.exec(migration);
      legacy.pragma(`user_version = ${index + 1}`);
    }
    const now = new Date().toISOString();
    legacy.exec(`
      INSERT INTO participants VALUES ('p1', 'PL', 'Poland', 'state', '#c00', '${now}');
      INSERT INTO users VALUES ('u1', 'a@pl.example', 'Anna', 'p1', 'x', 0, '${now}');
      INSERT INTO processes VALUES ('pr', 'Prague Process', '', '${now}');
      INSERT INTO documents VALUES ('d1', 'pr', 'Action Plan', '${now}', '${now}');
      INSERT INTO documents VALUES ('d2', 'pr', 'Annex', '${now}', '${now}');
      INSERT INTO brackets (id, document_id, clause_id, proponent_participant_id, created_by, created_at, resolution,
        kept_index, resolved_by, resolved_at) VALUES ('br-aaaaaa', 'd1', 'cl-1', 'p1', 'u1', '${now}', 'kept', 1, 'u1', '${now}');
      INSERT INTO bracket_alternatives VALUES ('br-aaaaaa', 0, 'first words', 'p1');
      INSERT INTO bracket_alternatives VALUES ('br-aaaaaa', 1, 'second words', 'p1');
    `);
    legacy.close();

    const db = openDatabase(dir, { synchronous: 'NORMAL' }, createLogger('silent'));
    try {
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const store = new NegotiationStore(db);
      expect(store.brackets('d1')).toEqual([
        expect.objectContaining({
          id: 'br-aaaaaa',
          clauseId: 'cl-1',
          alternatives: [
            { index: 0, text: 'first words', proponentCode: 'PL' },
            { index: 1, text: 'second words', proponentCode: 'PL' },
          ],
          resolution: expect.objectContaining({ kind: 'kept', index: 1, text: 'second words' }),
        }),
      ]);
      expect(store.bracketIdTaken('d1', 'br-aaaaaa')).toBe(true);
      expect(store.bracketIdTaken('d2', 'br-aaaaaa')).toBe(false);
      store.createBracket(
        'd2',
        { id: 'br-aaaaaa', clauseId: 'cl-9', alternatives: ['annex'] },
        { id: 'u1', participantId: 'p1' },
      );
      expect(store.brackets('d2').map((b) => b.alternatives.map((a) => a.text))).toEqual([['annex']]);
      expect(store.brackets('d1')[0]?.alternatives).toHaveLength(2);
      db.prepare("DELETE FROM documents WHERE id = 'd2'").run();
      expect(db.prepare('SELECT count(*) AS n FROM bracket_alternatives').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });
});
