/**
 * Issue 15: server commands racing across real server processes. Two
 * Draftroom servers (A and B, DATA_DIRs of their own) on one PostgreSQL and
 * one Redis; the same command sent through both at the same moment must take
 * effect once — one answer 200, the other 409 — and the stored text and
 * record must be the winner's alone, as read through either instance. The
 * processes are shared by the file's tests; each test works on clauses of its
 * own of the demo's Action Plan.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Amendment, Bracket, NegotiationState } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../server/src/audit/auditLog';
import { readClauses } from '../../server/src/content/outline';
import { bracketedText, passageIn } from '../support/bracketPassages';
import {
  type ClusterClient,
  call,
  clauseIdOfClient,
  clauseTextThrough,
  connectSyncedTo,
  type HttpAnswer,
  ProcessCluster,
} from '../support/processCluster';
import type { ServerProcess } from '../support/serverProcess';
import { createDatabase } from '../support/services/postgres';
import { DEMO, type SignedIn } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** How many brackets (each on a clause of its own) are raced in test 1. */
const BRACKET_RACES = 5;
/** How many amendments (each to a clause of its own, after the bracketed ones) are raced in test 2. */
const AMENDMENT_RACES = 6;

let cluster: ProcessCluster;
let a: ServerProcess;
let b: ServerProcess;
let documentId: string;
/** The pen-holder signed in once on each instance (two sessions). */
let penOnA: SignedIn;
let penOnB: SignedIn;
/** The secretariat reads: a provider on each instance keeps its room open and shows what it holds. */
let reader: SignedIn;
let watchA: ClusterClient;
let watchB: ClusterClient;
/**
 * The audit anchor file every instance shares, as on a volume the hosts share (the documented set-up for
 * instances on several hosts): with one of its own, an instance started on an empty DATA_DIR after the
 * log has entries withholds its checkpoints until `pnpm admin audit:reanchor`, and verifies not ok.
 */
const anchorDir = mkdtempSync(join(tmpdir(), 'draftroom-anchors-'));

beforeAll(async () => {
  const databaseUrl = await createDatabase(inject('postgresUrl'), `multiprocess_commands_${process.pid}`);
  cluster = await ProcessCluster.start(2, {
    databaseUrl,
    redisUrl: inject('redisUrl'),
    env: { AUDIT_ANCHOR_FILE: join(anchorDir, 'audit-anchors.jsonl') },
  });
  [a, b] = [cluster.at(0), cluster.at(1)];
  [penOnA, penOnB, reader] = await Promise.all([
    a.signIn(DEMO.penHolder),
    b.signIn(DEMO.penHolder),
    a.signIn(DEMO.secretariat),
  ]);
  documentId = await a.documentIdByTitle(reader.cookie, 'Action Plan');
  watchA = await connectSyncedTo(a, documentId, reader.cookie);
  watchB = await connectSyncedTo(b, documentId, reader.cookie);
}, 180_000);

afterAll(async () => {
  watchA?.destroy();
  watchB?.destroy();
  await cluster?.dispose();
  rmSync(anchorDir, { recursive: true, force: true });
});

const docPath = (suffix: string) => `/api/documents/${documentId}${suffix}`;

/** The same request through A and through B at the same moment; both answers, A's first. */
function race(path: string, bodies: readonly [unknown, unknown]): Promise<[HttpAnswer, HttpAnswer]> {
  return Promise.all([call(a, 'POST', path, penOnA, bodies[0]), call(b, 'POST', path, penOnB, bodies[1])]);
}

/** Which of the two answers is the 200 and which the refusal; fails unless exactly one is each. */
function winnerOf(answers: [HttpAnswer, HttpAnswer], refusalCode: string): 0 | 1 {
  const statuses = answers.map((answer) => answer.status).sort();
  expect(statuses, JSON.stringify(answers.map((answer) => answer.body))).toEqual([200, 409]);
  const winner = answers[0].status === 200 ? 0 : 1;
  expect(answers[1 - winner]?.body).toMatchObject({ error: refusalCode });
  return winner;
}

/** The negotiation state through `instance`. */
async function negotiationThrough(instance: ServerProcess): Promise<NegotiationState> {
  const answer = await call(instance, 'GET', docPath('/negotiation'), reader);
  expect(answer.status).toBe(200);
  return answer.body as NegotiationState;
}

/** Waits until a fresh provider on `instance` loads the clause's first paragraph as `expected`. */
async function paragraphLoads(instance: ServerProcess, clauseIndex: number, expected: string): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      last = await clauseTextThrough(instance, documentId, reader.cookie, clauseIndex);
      return last === expected;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `clause ${clauseIndex} as expected on ${instance.url}` },
  ).catch(() => {
    throw new Error(`clause ${clauseIndex} through ${instance.url} reads "${last}", expected "${expected}"`);
  });
}

/** Waits until a fresh provider on `instance` loads the whole clause `clauseId` as `expected`; returns it. */
async function clauseLoads(instance: ServerProcess, clauseId: string, expected: string): Promise<string> {
  let last = '';
  await waitFor(
    async () => {
      const fresh = await connectSyncedTo(instance, documentId, reader.cookie);
      last = readClauses(fresh.doc).find((entry) => entry.id === clauseId)?.text ?? '';
      fresh.destroy();
      return last === expected;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `clause ${clauseId} as expected on ${instance.url}` },
  ).catch(() => {
    throw new Error(`clause ${clauseId} through ${instance.url} reads "${last}", expected "${expected}"`);
  });
  return last;
}

/** A word of at least six letters that occurs once in `text` (the passage to bracket). */
function uniqueWord(text: string): string {
  const word = text
    .split(/[^A-Za-z]+/)
    .find((candidate) => candidate.length >= 6 && text.split(candidate).length === 2);
  if (!word) throw new Error(`no word occurring once in "${text}"`);
  return word;
}

const occurrences = (text: string, words: string) => text.split(words).length - 1;

describe('server commands raced through two server processes on one PostgreSQL', () => {
  it('a bracket resolved through A and through B at once is resolved once: one 200, one 409 bracket_resolved; text and record are the winner’s', async () => {
    for (let round = 0; round < BRACKET_RACES; round++) {
      const clauseIndex = round;
      const clauseId = clauseIdOfClient(watchA, clauseIndex);
      const before = await clauseTextThrough(a, documentId, reader.cookie, clauseIndex);
      const word = uniqueWord(before);
      const wording = `zqkept${round}x`;
      const input = passageIn(watchA.doc, clauseId, word, [wording]);
      const created = await call(a, 'POST', docPath('/brackets'), penOnA, input);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      // Both rooms hold the bracketed passage before the race.
      await waitFor(
        () =>
          bracketedText(watchA.doc, clauseId, input.id) === word &&
          bracketedText(watchB.doc, clauseId, input.id) === word,
        { what: `bracket ${round} on A and B` },
      );

      // A keeps the proposed wording and B drops the passage, or the other way round.
      const keepOnA = round % 2 === 0;
      const answers = await race(
        docPath(`/brackets/${input.id}/resolution`),
        keepOnA ? [{ keep: 1 }, { drop: true }] : [{ drop: true }, { keep: 1 }],
      );
      const winner = winnerOf(answers, 'bracket_resolved');
      const kept = (winner === 0) === keepOnA;
      const resolution = (answers[winner].body as Bracket).resolution;
      expect(resolution?.kind).toBe(kept ? 'kept' : 'dropped');

      for (const instance of [a, b]) {
        const stored = (await negotiationThrough(instance)).brackets.find((entry) => entry.id === input.id);
        expect(stored?.resolution).toMatchObject(
          kept ? { kind: 'kept', index: 1, text: wording } : { kind: 'dropped' },
        );
      }
      const expected = before.replace(word, () => (kept ? wording : ''));
      const winnerInstance = winner === 0 ? a : b;
      for (const instance of [winnerInstance, winner === 0 ? b : a]) {
        await paragraphLoads(instance, clauseIndex, expected);
      }
      const after = await clauseTextThrough(winnerInstance, documentId, reader.cookie, clauseIndex);
      expect(occurrences(after, wording)).toBe(kept ? 1 : 0);
      expect(occurrences(after, word)).toBe(0);
    }
  });

  it('an amendment accepted through A and through B at once is accepted once: one 200, one 409 not_open; the clause changed once', async () => {
    const drafter = await b.signIn(DEMO.hungarianDrafter);
    const admin = await a.signIn(DEMO.admin);
    for (let round = 0; round < AMENDMENT_RACES; round++) {
      const clauseIndex = BRACKET_RACES + round;
      const clause = readClauses(watchA.doc)[clauseIndex];
      if (!clause) throw new Error(`no clause ${clauseIndex}`);
      const token = `amended wording zx${round}q`;
      const proposedText = `${clause.text} Also, the ${token}.`;
      const tabled = await call(b, 'POST', docPath('/amendments'), drafter, {
        kind: 'modify',
        clauseId: clause.id,
        baseText: clause.text,
        proposedText,
        justification: 'Raced acceptance.',
      });
      expect(tabled.status, JSON.stringify(tabled.body)).toBe(201);
      const amendment = tabled.body as Amendment;

      const answers = await race(docPath(`/amendments/${amendment.id}/decision`), [
        { decision: 'accept' },
        { decision: 'accept' },
      ]);
      const winner = winnerOf(answers, 'not_open');
      expect(answers[winner].body).toMatchObject({ id: amendment.id, status: 'accepted' });

      for (const instance of [a, b]) {
        const listed = await call(instance, 'GET', docPath('/amendments'), reader);
        const stored = (listed.body as Amendment[]).find((entry) => entry.id === amendment.id);
        expect(stored).toMatchObject({ status: 'accepted', decidedBy: { participantCode: 'PL' } });
        const text = await clauseLoads(instance, clause.id, proposedText);
        expect(occurrences(text, token)).toBe(1);
      }
      // Decided once: one audit entry for it, whichever instance wrote it (a listing waits for its instance's queue).
      const entries = new Map<number, AuditEntry>();
      for (const instance of [a, b]) {
        const listed = await call(instance, 'GET', '/api/admin/audit?limit=500', admin);
        for (const entry of listed.body as AuditEntry[]) entries.set(entry.id, entry);
      }
      const decisions = [...entries.values()].filter(
        (entry) => entry.action === 'amendment-decided' && entry.target === `AM ${amendment.number}`,
      );
      expect(decisions).toHaveLength(1);
    }
  });

  it('every record is in PostgreSQL: no instance keeps a SQLite file, and a new instance on an empty DATA_DIR serves the same users, document, records and audit chain', async () => {
    const thread = await call(a, 'POST', docPath('/threads'), penOnA, {
      clauseId: clauseIdOfClient(watchA, BRACKET_RACES + AMENDMENT_RACES),
      body: 'Written through A before C started.',
    });
    expect(thread.status).toBe(201);
    const fresh = await cluster.add();
    expect([a.dataDir, b.dataDir]).not.toContain(fresh.dataDir);

    const admin = await fresh.signIn(DEMO.admin);
    const adminOnA = await a.signIn(DEMO.admin);
    const usersOn = async (instance: ServerProcess, session: SignedIn) =>
      ((await call(instance, 'GET', '/api/admin/users', session)).body as { id: string; email: string }[])
        .map((user) => `${user.id} ${user.email}`)
        .sort();
    expect(await usersOn(fresh, admin)).toEqual(await usersOn(a, adminOnA));
    const penOnC = await fresh.signIn(DEMO.penHolder);
    expect(await fresh.documentIdByTitle(penOnC.cookie, 'Action Plan')).toBe(documentId);
    // One session store: a session made on the new instance is the same user through A.
    const me = async (instance: ServerProcess, session: SignedIn) =>
      ((await call(instance, 'GET', '/api/me', session)).body as { user: { id: string; email: string } })
        .user;
    expect(await me(a, penOnC)).toEqual(await me(fresh, penOnA));
    expect((await me(a, penOnC)).email).toBe(DEMO.penHolder);

    const onC = (await call(fresh, 'GET', docPath('/negotiation'), penOnC)).body as NegotiationState;
    const onA = await negotiationThrough(a);
    expect(onC.threads.map((entry) => entry.id)).toContain((thread.body as { id: string }).id);
    expect(onC.brackets).toEqual(onA.brackets);
    expect(onC.amendments).toEqual(onA.amendments);

    for (const instance of [a, b, fresh]) {
      const verified = await call(instance, 'GET', '/api/admin/audit/verify', admin);
      expect(verified.status).toBe(200);
      expect(verified.body, `${instance.url}: ${JSON.stringify(verified.body)}`).toMatchObject({ ok: true });
    }
    for (const instance of [a, b, fresh]) {
      expect(existsSync(instance.databaseFile)).toBe(false);
      const files = readdirSync(instance.dataDir, { recursive: true }).map(String);
      // Nor a journal of one, nor any other SQLite database file.
      expect(files.filter((name) => /\.db(-wal|-shm|-journal)?$/.test(name))).toEqual([]);
    }
  });
});
