import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Amendment, NegotiationState, VersionSummary } from '@draftroom/shared';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { TARGET_TABLES } from '../../server/src/store/postgres/importSqlite';
import { TABLES } from '../../server/src/store/postgres/importTables';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { amendmentsAs, typeInClause } from '../support/amendmentsApi';
import { connectSynced, contentOf } from '../support/collabClient';
import { apiAs, createSecondDocument } from '../support/negotiationApi';
import { loadStoredDoc } from '../support/rawCollab';
import { type AdminRun, runAdmin } from '../support/services/adminProcess';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { type ServerAnswers, serverAnswers } from '../support/services/serverAnswers';
import { Database, readStoredDocument } from '../support/storedDocument';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, versionsAs } from '../support/versionsApi';
import { waitFor } from '../support/waitFor';

const database = migratedDatabase('import_sqlite');

let embedded: TestServer;
let production: TestServer | undefined;
let productionDir: string;
let pool: pg.Pool;
let documentId: string;
let clauseIds: string[];
let before: ServerAnswers;
let secondId: string;
let secondClauseId: string;
/** Each document's text as the embedded file holds it (its state and appended updates). */
const storedTexts = new Map<string, string>();
let auditKey: string;

/** Runs `pnpm admin <args>` with DATABASE_URL (the production data dir, `key` as AUDIT_KEY). */
function admin(key: string, ...args: string[]): Promise<AdminRun> {
  return runAdmin({ DATA_DIR: productionDir, DATABASE_URL: database.url(), AUDIT_KEY: key }, args);
}

/** The rows of every table the import writes. */
async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TARGET_TABLES) {
    const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(result.rows[0]?.n);
  }
  return counts;
}

const embeddedFile = () => join(embedded.dataDir, 'draftroom.db');
const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const anchorText = () => readFileSync(join(productionDir, 'audit-anchors.jsonl'), 'utf8');

/** Types `text` into a clause through a provider of the Hungarian drafter; resolves once it is stored. */
async function typeThrough(server: TestServer, id: string, clauseId: string, text: string): Promise<void> {
  const { cookie } = await server.signIn(DEMO.hungarianDrafter);
  const client = await connectSynced(server.wsUrl, id, cookie);
  typeInClause(client.doc, clauseId, 0, text);
  const storage = server.server.repositories.documentStorage;
  await waitFor(() => contentOf(loadStoredDoc(storage, id)).includes(text.trim()), {
    what: 'the typed edit stored',
  });
  client.destroy();
}

/** History the seeded demo lacks, through the embedded server: a mention, a typed edit, a named version. */
async function addHistory(server: TestServer): Promise<void> {
  const ua = await apiAs(server, DEMO.commenter, documentId);
  expectStatus(
    await ua.newThread({ clauseId: clauseIds[1] ?? '', body: 'Before the move — @HU please check.' }),
    201,
  );
  // Typed in the Action Plan and in a second document: SQLite numbers the updates of both in one sequence.
  secondId = createSecondDocument(server);
  await typeThrough(server, documentId, clauseIds[1] ?? '', 'Typed on SQLite. ');
  const second = loadStoredDoc(server.server.repositories.documentStorage, secondId);
  secondClauseId = readClauses(second)[0]?.id ?? '';
  second.destroy();
  await typeThrough(server, secondId, secondClauseId, 'Typed in the second draft. ');
  await (await versionsAs(server, DEMO.penHolder, documentId)).saveOk('Rev. 2 — before the move');
  // The secretariat reads the demo thread that mentions it: a read mark.
  const icmpd = await apiAs(server, DEMO.secretariat, documentId);
  const mentioned = expectStatus(await icmpd.mentions(), 200).mentions[0]?.thread.id ?? '';
  expectStatus(await icmpd.markRead(mentioned), 204);
}

/**
 * An update of the Hungarian drafter stored as the embedded server stores one (its storage class,
 * on the file), the server killed before compacting it: it stays an appended update row.
 */
function appendAsIfKilled(text: string): void {
  const db = new Database(embeddedFile());
  try {
    const storage = new SqliteDocumentStorage(db);
    const doc = loadStoredDoc(storage, documentId);
    const vector = Y.encodeStateVector(doc);
    typeInClause(doc, clauseIds[2] ?? '', 0, text);
    const author = db
      .prepare<[string], { id: string; participant_id: string }>(
        'SELECT id, participant_id FROM users WHERE email = ?',
      )
      .get(DEMO.hungarianDrafter);
    if (!author) throw new Error('no Hungarian drafter');
    const update = Y.encodeStateAsUpdate(doc, vector);
    const touched = {
      userId: author.id,
      participantId: author.participant_id,
      touchedClauses: [clauseIds[2] ?? ''],
    };
    storage.appendUpdates(documentId, [update], touched, undefined, new Map([[doc.clientID, author.id]]));
    doc.destroy();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  pool = database.instancePool(2);
  productionDir = mkdtempSync(join(tmpdir(), 'draftroom-import-production-'));
  embedded = await startTestServer({ seedDemoNegotiation: true });
  documentId = embedded.actionPlanId();
  // The clauses open to edits (the demo agrees some: those refuse them).
  const seeded = expectStatus(await (await apiAs(embedded, DEMO.penHolder, documentId)).state(), 200);
  const agreed = new Set(
    seeded.statuses.filter((entry) => entry.status === 'agreed').map((entry) => entry.clauseId),
  );
  const doc = loadStoredDoc(embedded.server.repositories.documentStorage, documentId);
  clauseIds = readClauses(doc)
    .map((clause) => clause.id)
    .filter((id) => !agreed.has(id));
  doc.destroy();
  await addHistory(embedded);
  await embedded.stop();
  appendAsIfKilled('Typed before the kill. ');
  // Started again only to be asked (no socket: no room is opened, so nothing is compacted at its stop).
  await embedded.start();
  before = await serverAnswers(embedded, documentId);
  await embedded.stop();
  for (const id of [documentId, secondId]) {
    const { doc: stored } = readStoredDocument(embeddedFile(), id);
    storedTexts.set(id, contentOf(stored));
    stored.destroy();
  }
  auditKey = `hex:${readFileSync(join(embedded.dataDir, 'audit.key'), 'utf8').trim()}`;
}, 240_000);

afterAll(async () => {
  await production?.stop();
  await embedded?.dispose();
  rmSync(productionDir, { recursive: true, force: true });
});

/** The id of a document's newest update in PostgreSQL (`document_heads`). */
async function headOf(id: string): Promise<number> {
  const result = await pool.query('SELECT last_update_id FROM document_heads WHERE document_id = $1', [id]);
  return Number(result.rows[0]?.last_update_id);
}

/**
 * Types into `clauseId` of document `id` through a provider on `server` and checks that the first
 * update stored takes the id after the imported head; resolves with the text of clause `readId`.
 */
async function typedAfterImport(server: TestServer, id: string, clauseId: string, readId: string) {
  const imported = await headOf(id);
  const { cookie } = await server.signIn(DEMO.czechDrafter);
  const client = await connectSynced(server.wsUrl, id, cookie);
  typeInClause(client.doc, clauseId, 0, 'Typed on PostgreSQL. ');
  await waitFor(async () => (await headOf(id)) > imported, { what: 'the edit committed' });
  const ids = await pool.query<{ id: string }>(
    'SELECT id FROM document_updates WHERE document_id = $1 AND id > $2 ORDER BY id',
    [id, imported],
  );
  expect(Number(ids.rows[0]?.id)).toBe(imported + 1);
  const text = readClauses(client.doc).find((clause) => clause.id === readId)?.text ?? '';
  client.destroy();
  return text;
}

describe('import-sqlite: the embedded store moved into PostgreSQL', () => {
  it('refuses without writing anything: a key that is not the embedded one, a directory without its database', async () => {
    const rawHex = auditKey.slice('hex:'.length);
    const wrongKey = await admin(rawHex, 'import-sqlite', '--from', embedded.dataDir);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain(`AUDIT_KEY="hex:$(cat ${join(embedded.dataDir, 'audit.key')})"`);
    const empty = mkdtempSync(join(tmpdir(), 'draftroom-import-empty-'));
    const missing = await admin(auditKey, 'import-sqlite', '--from', empty);
    rmSync(empty, { recursive: true });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no .*draftroom\.db/);
    // The wrong key was found after every table was copied: the one transaction was rolled back.
    expect(Object.values(await tableCounts()).every((rows) => rows === 0)).toBe(true);
  });

  it('copies every table; the production server answers exactly as the embedded one did', async () => {
    const sourceHash = fileHash(embeddedFile());
    const imported = await admin(auditKey, 'import-sqlite', '--from', embedded.dataDir);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(fileHash(embeddedFile())).toBe(sourceHash);
    expect(existsSync(join(productionDir, 'draftroom.db'))).toBe(false);
    // Every table had rows (real history), and the report gives each table's count.
    const counts = await tableCounts();
    for (const { table } of TABLES) {
      expect(counts[table], table).toBeGreaterThan(0);
      expect(imported.stdout).toMatch(new RegExp(`\\n  ${table} +${counts[table]}\\n`));
    }
    expect(imported.stdout).toMatch(/audit log anchored at entry \d+/);
    // Every table of the PostgreSQL schema is written (a new one would need the import to fill it).
    const schema = await pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(schema.rows.map((row) => row.name).sort()).toEqual(
      [...TARGET_TABLES, 'draftroom_migrations'].sort(),
    );
    // Every commit checks the agreed clauses (the embedded server's rooms kept them from the statuses).
    const state = before.answers['/negotiation'] as NegotiationState;
    const agreed = state.statuses.filter((entry) => entry.status === 'agreed').map((entry) => entry.clauseId);
    const locks = await pool.query<{ clause_id: string }>(
      'SELECT clause_id FROM clause_locks ORDER BY clause_id',
    );
    expect(locks.rows.map((row) => row.clause_id)).toEqual(agreed.sort());
    expect(agreed.length).toBeGreaterThan(0);

    production = await startTestServer({ dataDir: productionDir, databaseUrl: database.url(), auditKey });
    const after = await serverAnswers(production, documentId);
    expect(after.answers).toEqual(before.answers);
    const lastBefore = before.audit.at(-1)?.id ?? 0;
    expect(after.audit.filter((entry) => entry.id <= lastBefore)).toEqual(before.audit);
  });

  it('a fresh provider loads each document’s embedded text, its compacted state and appended updates alike', async () => {
    const server = production as TestServer;
    expect(storedTexts.get(documentId)).toContain('Typed on SQLite.');
    expect(storedTexts.get(documentId)).toContain('Typed before the kill.');
    expect(storedTexts.get(secondId)).toContain('Typed in the second draft.');
    const { cookie } = await server.signIn(DEMO.observer);
    for (const id of [documentId, secondId]) {
      const client = await connectSynced(server.wsUrl, id, cookie);
      expect(contentOf(client.doc)).toBe(storedTexts.get(id));
      client.destroy();
    }
  });

  it('a new edit, comment, amendment, version, status and position continue the numbers', async () => {
    const server = production as TestServer;
    const clauseText = await typedAfterImport(server, documentId, clauseIds[3] ?? '', clauseIds[4] ?? '');
    await typedAfterImport(server, secondId, secondClauseId, '');

    const cz = await amendmentsAs(server, DEMO.czechDrafter, documentId);
    const seq = expectStatus(await cz.state(), 200).seq;
    const thread = expectStatus(
      await cz.newThread({ clauseId: clauseIds[3] ?? '', body: 'After the move, @HU.' }),
      201,
    );
    const state = expectStatus(await cz.state(), 200);
    expect(state.seq).toBe(seq + 1);
    expect(state.threads.filter((candidate) => candidate.id === thread.id)).toHaveLength(1);
    const hu = await amendmentsAs(server, DEMO.hungarianDrafter, documentId);
    const unread = (email: string) => (before.answers[`mentions of ${email}`] as { unread: number }).unread;
    expect(expectStatus(await hu.mentions(), 200).unread).toBe(unread(DEMO.hungarianDrafter) + 1);
    // A mention in the thread the secretariat had read: numbered past its read mark, so unread again.
    const icmpd = await amendmentsAs(server, DEMO.secretariat, documentId);
    const read = expectStatus(await icmpd.mentions(), 200).mentions.find((mention) => !mention.unread);
    expectStatus(await cz.reply(read?.thread.id ?? '', 'Still open after the move, @ICMPD?'), 201);
    expect(expectStatus(await icmpd.mentions(), 200).unread).toBe(unread(DEMO.secretariat) + 1);

    const numbers = (before.answers['/amendments'] as Amendment[]).map((amendment) => amendment.number);
    const tabled = expectStatus(
      await cz.table({ kind: 'delete', clauseId: clauseIds[4], baseText: clauseText }),
      201,
    );
    expect(tabled.number).toBe(Math.max(...numbers) + 1);

    const versions = await versionsAs(server, DEMO.penHolder, documentId);
    const saved = await versions.saveOk('Rev. 3 — on PostgreSQL');
    const listed = expectStatus(await versions.list(), 200);
    // Named versions stay; automatic checkpoints are thinned as new ones are taken (the edit above took one).
    const named = (list: VersionSummary[]) => list.filter((v) => v.kind === 'named').map((v) => v.id);
    expect(named(listed)).toEqual([saved.id, ...named(before.answers.versions as VersionSummary[])]);

    const pl = await amendmentsAs(server, DEMO.penHolder, documentId);
    expectStatus(await pl.setStatus(clauseIds[5] ?? '', 'bracketed'), 200);
    expectStatus(await hu.setPosition(clauseIds[5] ?? '', { position: 'supports' }), 200);
    expect(expectStatus(await hu.state(), 200).seq).toBe(seq + 5);
  });

  it('the audit log verifies: the imported entries with the embedded key, and the new ones', async () => {
    const server = production as TestServer;
    const admin = await server.signIn(DEMO.admin);
    const response = await fetch(`${server.url}/api/admin/audit/verify`, {
      headers: { cookie: admin.cookie },
    });
    const verification = (await response.json()) as { ok: boolean; entries: number };
    expect(verification).toMatchObject({ ok: true });
    expect(verification.entries).toBeGreaterThan(before.audit.length);
  });

  it('a second import into the now non-empty database is refused and changes nothing', async () => {
    const counts = await tableCounts();
    const anchor = anchorText();
    const again = await admin(auditKey, 'import-sqlite', '--from', embedded.dataDir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/not empty \(.*documents: \d+.*\)/);
    expect(await tableCounts()).toEqual(counts);
    expect(anchorText()).toBe(anchor);
  });
});
