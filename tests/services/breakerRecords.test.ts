/**
 * Adversarial review of issue 15 (records in PostgreSQL): a real Draftroom
 * server in this process with DATABASE_URL, and requests sent at the same
 * moment. A check read in one statement and a write in another (the network
 * between them) lets concurrent requests all pass the check: each limit below
 * must hold however many requests arrive at once.
 */
import type { Amendment, Bracket } from '@draftroom/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AMENDMENT_LIMITS } from '../../server/src/amendments/policy';
import { MAX_BRACKET_ALTERNATIVES } from '../../server/src/negotiation/bracketRoutes';
import { createDatabase } from '../support/services/postgres';
import { seededPlan } from '../support/services/seededPlan';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

let server: TestServer;
let databaseUrl: string;
let documentId: string;
let clauseIds: string[];

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), `breaker_records_${process.pid}`);
  server = await startTestServer({ databaseUrl, auditKey: 'breaker-records-audit-key-0123456789abcdef' });
  ({ documentId, clauseIds } = await seededPlan(server, databaseUrl));
}, 120_000);

afterAll(async () => {
  await server?.dispose();
});

async function call<T>(who: SignedIn, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { cookie: who.cookie, 'x-csrf-token': who.csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}/api/documents/${documentId}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T & { error?: string } };
}

describe('limits checked against concurrent requests (PostgreSQL)', () => {
  it(`a bracket never holds more than ${MAX_BRACKET_ALTERNATIVES} wordings, however many are proposed at once`, async () => {
    const [pen, commenter] = await Promise.all([
      server.signIn(DEMO.penHolder),
      server.signIn(DEMO.commenter),
    ]);
    const clauseId = clauseIds[0] as string;
    const me = (await server.server.records.users.findByEmail(DEMO.penHolder))?.profile;
    if (!me) throw new Error('no pen-holder');
    const alternatives = Array.from({ length: MAX_BRACKET_ALTERNATIVES - 1 }, (_, i) => `wording ${i}`);
    for (const round of [1, 2, 3]) {
      const bracketId = `br-0badc0ffee0${round}`;
      await server.server.records.negotiation.createBracket(
        documentId,
        { id: bracketId, clauseId, alternatives },
        { id: me.id, participantId: me.participant.id },
      );
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call<Bracket>(i % 2 ? pen : commenter, 'POST', `/brackets/${bracketId}/alternatives`, {
            text: `late wording ${i}`,
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(11);
      const stored = await server.server.records.negotiation.bracket(documentId, bracketId);
      expect(stored?.alternatives).toHaveLength(MAX_BRACKET_ALTERNATIVES);
    }
  });

  it(`a delegation never tables more than ${AMENDMENT_LIMITS.perDelegation} amendments to a document, however many arrive at once`, async () => {
    const drafter = await server.signIn(DEMO.hungarianDrafter);
    const me = (await server.server.records.users.findByEmail(DEMO.hungarianDrafter))?.profile;
    if (!me) throw new Error('no drafter');
    const clauseId = clauseIds[1] as string;
    for (let i = 0; i < AMENDMENT_LIMITS.perDelegation - 1; i++) {
      await server.server.records.amendments.insert({
        documentId,
        kind: 'insert',
        clauseId,
        clauseNumber: '2',
        baseText: '',
        proposedText: `Filler ${i}.`,
        justification: '',
        proponentParticipantId: me.participant.id,
        tabledBy: me.id,
      });
    }
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call<Amendment>(drafter, 'POST', '/amendments', {
          kind: 'insert',
          clauseId,
          proposedText: `A new clause, number ${i}.`,
          justification: 'Raced.',
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses, JSON.stringify(answers.map((answer) => answer.body.error))).toEqual([
      201, 409, 409, 409, 409, 409, 409, 409,
    ]);
    const counts = await server.server.records.amendments.counts(documentId, me.participant.id);
    expect(counts.delegation).toBe(AMENDMENT_LIMITS.perDelegation);
  });
});

/** Waits until a backend of the test database waits for a lock while running a statement that starts with `statement`. */
async function blockedOn(admin: pg.Client, statement: string): Promise<boolean> {
  const waiting = await admin.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND ltrim(query) LIKE $1`,
    [`${statement}%`],
  );
  return (waiting.rowCount ?? 0) > 0;
}

describe('an amendment decided through one request while another signs it (PostgreSQL)', () => {
  it('a co-signature is never added after the amendment was withdrawn', async () => {
    // (The Hungarian delegation's limit is used up by the test above.)
    const [drafter, signer] = await Promise.all([
      server.signIn(DEMO.czechDrafter),
      server.signIn(DEMO.commenter),
    ]);
    const tabled = await call<Amendment>(drafter, 'POST', '/amendments', {
      kind: 'insert',
      clauseId: clauseIds[2],
      proposedText: 'A clause to be withdrawn while signed.',
      justification: 'Raced.',
    });
    expect(tabled.status).toBe(201);
    const id = tabled.body.id;
    // Bad luck made repeatable: the co-signature's insert waits (a lock held by another session) after its
    // check read the amendment as tabled; meanwhile its proponent withdraws it.
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE amendment_cosponsors IN EXCLUSIVE MODE');
      const signing = call<Amendment>(signer, 'POST', `/amendments/${id}/cosponsors`);
      await waitFor(() => blockedOn(admin, 'INSERT INTO amendment_cosponsors'), {
        what: 'the co-signature waits',
      });
      let withdrawn: Awaited<ReturnType<typeof call<Amendment>>> | undefined;
      const withdrawing = call<Amendment>(drafter, 'POST', `/amendments/${id}/withdrawal`).then((answer) => {
        withdrawn = answer;
        return answer;
      });
      // Either the withdrawal goes through at once, or it waits for the co-signature to finish first.
      await waitFor(async () => withdrawn !== undefined || (await blockedOn(admin, 'UPDATE amendments')), {
        what: 'the withdrawal answered or waiting',
      });
      // Answered while the co-signature still waited: the withdrawal came first, so the co-signature must be refused.
      const withdrawnFirst = withdrawn !== undefined;
      await locker.query('COMMIT');
      const [signed, withdrawal] = await Promise.all([signing, withdrawing]);
      expect(withdrawal.status).toBe(200);
      const stored = await server.server.records.amendments.get(documentId, id);
      expect(stored?.status).toBe('withdrawn');
      if (withdrawnFirst) {
        expect(signed.status, JSON.stringify(signed.body)).toBe(409);
        expect(signed.body.error).toBe('not_open');
        expect(stored?.cosponsors).toEqual([]);
      } else {
        expect(signed.status).toBe(200);
        expect(stored?.cosponsors.map((entry) => entry.participantCode)).toEqual(['UA']);
      }
    } finally {
      await locker.end();
      await admin.end();
    }
  });
});
