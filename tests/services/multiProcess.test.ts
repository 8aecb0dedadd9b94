/**
 * Issue 15 through real processes: three Draftroom servers on one DATA_DIR,
 * one PostgreSQL and one Redis, reached by stock y-websocket providers and
 * plain HTTP, as clients behind a load balancer reach them. The processes
 * are shared by the tests of this file; each test works on a clause or a
 * user of its own.
 */
import { CloseCode, type NegotiationEvent, type ServerNotice } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clauseParagraphText } from '../support/collabClient';
import {
  ClauseTypist,
  type ClusterClient,
  call,
  clauseIdOfClient,
  clauseTextThrough,
  connectSyncedTo,
  convergedEverywhere,
  ProcessCluster,
} from '../support/processCluster';
import { attemptRefusedUpgrade, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import type { ServerProcess } from '../support/serverProcess';
import { createDatabase } from '../support/services/postgres';
import { DEMO, type SignedIn } from '../support/testServer';
import { seededRandom } from '../support/tokenTypist';
import { waitFor } from '../support/waitFor';

/** The per-user connection limit of every process here (small, so test 5 can reach it). */
const MAX_CONNECTIONS_PER_USER = 3;

let cluster: ProcessCluster;
let a: ServerProcess;
let b: ServerProcess;
let c: ServerProcess;
let documentId: string;
/** The commenter reads the stored text through C (a fresh provider): a user no test limits or signs out. */
let reader: SignedIn;
const clients: ClusterClient[] = [];
const sockets: RawCollabSocket[] = [];

beforeAll(async () => {
  const databaseUrl = await createDatabase(inject('postgresUrl'), `multiprocess_${process.pid}`);
  cluster = await ProcessCluster.start(3, {
    databaseUrl,
    redisUrl: inject('redisUrl'),
    env: {
      MAX_CONNECTIONS_PER_USER: String(MAX_CONNECTIONS_PER_USER),
    },
  });
  [a, b, c] = [cluster.at(0), cluster.at(1), cluster.at(2)];
  reader = await c.signIn(DEMO.commenter);
  documentId = await a.documentIdByTitle(reader.cookie, 'Action Plan');
}, 180_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  for (const socket of sockets) socket.close();
  await cluster?.dispose();
});

/** A synced provider of `email` on `instance`, destroyed after the file. */
async function join(
  instance: ServerProcess,
  email: string,
): Promise<{ client: ClusterClient; session: SignedIn }> {
  const session = await instance.signIn(email);
  const client = await connectSyncedTo(instance, documentId, session.cookie);
  clients.push(client);
  return { client, session };
}

/** The negotiation event of `kind` a client was told about, once it arrives. */
function negotiationEvent<T extends NegotiationEvent['type']>(
  client: ClusterClient,
  type: T,
  matches: (event: Extract<NegotiationEvent, { type: T }>) => boolean,
): Promise<{ seq: number; event: Extract<NegotiationEvent, { type: T }> }> {
  return waitFor(
    () => {
      for (const notice of client.notices as ServerNotice[]) {
        if (notice.kind !== 'negotiation' || notice.event.type !== type) continue;
        const event = notice.event as Extract<NegotiationEvent, { type: T }>;
        if (matches(event)) return { seq: notice.seq, event };
      }
      return undefined;
    },
    { timeoutMs: 10_000, what: `a ${type} notice` },
  );
}

describe('three server processes on one PostgreSQL and one Redis', () => {
  it('clients of four users on A and B typing into one clause at once converge; the store (read through C) holds every token once', async () => {
    // Everything stored is in PostgreSQL: no SQLite dependency is reported.
    for (const instance of [a, b, c])
      expect((await call(instance, 'GET', '/healthz')).body).toEqual({
        status: 'ok',
        dependencies: { postgres: 'up', redis: 'up' },
      });
    const random = seededRandom(15);
    const people = [
      [a, DEMO.penHolder],
      [b, DEMO.hungarianDrafter],
      [a, DEMO.czechDrafter],
      [b, DEMO.secretariat],
    ] as const;
    const typists: ClauseTypist[] = [];
    for (const [index, [instance, email]] of people.entries()) {
      const { client } = await join(instance, email);
      typists.push(new ClauseTypist(`c${index + 1}`, client, 1, seededRandom(random() * 1e9)));
    }
    for (const typist of typists) typist.start(10, 30);
    await waitFor(() => typists.every((typist) => typist.typed.length >= 30), {
      timeoutMs: 30_000,
      what: '30 tokens from each client',
    });
    for (const typist of typists) typist.stop();
    const text = await convergedEverywhere(typists, c, documentId, reader.cookie);
    expect(text).toContain('[c1-30]');
    expect(text).toContain('[c4-30]');
    expect(typists.flatMap((typist) => typist.client.closeCodes)).toEqual([]);
  });

  it("a caret on A shows on B; a comment and a clause status made through A's API reach a client on B live", async () => {
    const { client: onA, session: penHolder } = await join(a, DEMO.penHolder);
    const { client: onB } = await join(b, DEMO.secretariat);
    onA.provider.awareness.setLocalStateField('cursor', { marker: 'anna-on-A' });
    await waitFor(
      () =>
        (onB.provider.awareness.getStates().get(onA.doc.clientID)?.cursor as { marker?: string } | undefined)
          ?.marker === 'anna-on-A',
      { what: "A's caret on B" },
    );
    const user = onB.provider.awareness.getStates().get(onA.doc.clientID)?.user as
      | { name?: string }
      | undefined;
    expect(user?.name).toBeTruthy();

    const clauseId = clauseIdOfClient(onA, 2);
    const thread = await call(a, 'POST', `/api/documents/${documentId}/threads`, penHolder, {
      clauseId,
      body: 'Comment made on instance A.',
    });
    expect(thread.status).toBe(201);
    const threadId = (thread.body as { id: string }).id;
    const threadNotice = await negotiationEvent(onB, 'thread', (event) => event.thread.id === threadId);
    expect(threadNotice.event.thread.clauseId).toBe(clauseId);

    const status = await call(
      a,
      'PUT',
      `/api/documents/${documentId}/clauses/${clauseId}/status`,
      penHolder,
      {
        status: 'bracketed',
      },
    );
    expect(status.status).toBe(200);
    const statusNotice = await negotiationEvent(
      onB,
      'status',
      (event) => event.entry.clauseId === clauseId && event.entry.status === 'bracketed',
    );
    // Numbered once for the document, whichever instance published: the status follows the comment.
    expect(statusNotice.seq).toBeGreaterThan(threadNotice.seq);
  });

  it('a clause agreed through A refuses an edit to it sent through B (4423); nothing of the edit is stored', async () => {
    const { client: onB } = await join(b, DEMO.hungarianDrafter);
    const penHolder = await a.signIn(DEMO.penHolder);
    const clauseIndex = 3;
    const clauseId = clauseIdOfClient(onB, clauseIndex);
    const before = await clauseTextThrough(c, documentId, reader.cookie, clauseIndex);
    const agreed = await call(
      a,
      'PUT',
      `/api/documents/${documentId}/clauses/${clauseId}/status`,
      penHolder,
      {
        status: 'agreed',
      },
    );
    expect(agreed.status).toBe(200);

    clauseParagraphText(onB.doc, clauseIndex).insert(0, 'Changed after agreement. ');
    await waitFor(() => onB.closeCodes.includes(CloseCode.ClauseLocked), { what: '4423 on B' });
    onB.provider.destroy();
    expect(await clauseTextThrough(c, documentId, reader.cookie, clauseIndex)).toBe(before);
    expect(await clauseTextThrough(b, documentId, reader.cookie, clauseIndex)).toBe(before);
  });

  it("a sign-out on A closes that session's socket on B (4401); a role removed on A closes the user's socket on B (4410)", async () => {
    const session = await a.signIn(DEMO.hungarianDrafter);
    const onB = await connectSyncedTo(b, documentId, session.cookie);
    clients.push(onB);
    expect((await call(a, 'DELETE', '/api/session', session)).status).toBe(204);
    await waitFor(() => onB.closeCodes.length > 0, { what: 'the socket on B closed' });
    expect(onB.closeCodes[0]).toBe(CloseCode.Unauthenticated);
    onB.provider.destroy();

    const admin = await a.signIn(DEMO.admin);
    const users = (await call(a, 'GET', '/api/admin/users', admin)).body as { id: string; email: string }[];
    const czech = users.find((user) => user.email === DEMO.czechDrafter);
    expect(czech).toBeDefined();
    const { client: czechOnB } = await join(b, DEMO.czechDrafter);
    const rolePath = `/api/admin/documents/${documentId}/roles/${czech?.id}`;
    expect((await call(a, 'PUT', rolePath, admin, { role: 'none' })).status).toBe(204);
    await waitFor(() => czechOnB.closeCodes.length > 0, { what: "the Czech drafter's socket on B closed" });
    expect(czechOnB.closeCodes[0]).toBe(CloseCode.AccessRevoked);
    czechOnB.provider.destroy();
    expect((await call(a, 'PUT', rolePath, admin, { role: null })).status).toBe(204);
  });

  it('records written through A, B and C at once (comments, statuses, sign-ins) are all stored, numbered once, and the audit chain holds', async () => {
    const { client: watcher } = await join(c, DEMO.hungarianDrafter);
    const authors = await Promise.all([
      a.signIn(DEMO.penHolder),
      b.signIn(DEMO.secretariat),
      c.signIn(DEMO.czechDrafter),
    ]);
    const penHolders = await Promise.all([a, b, c].map((instance) => instance.signIn(DEMO.penHolder)));
    const clauseIds = [5, 6, 7].map((index) => clauseIdOfClient(watcher, index));
    const instances = [a, b, c];
    const comments = instances.flatMap((instance, index) =>
      Array.from({ length: 9 }, (_, n) =>
        call(instance, 'POST', `/api/documents/${documentId}/threads`, authors[index], {
          clauseId: clauseIds[n % 3],
          body: `Concurrent comment ${n} through instance ${index}.`,
        }),
      ),
    );
    // The pen-holder sets a status through each instance at the same moment, each on a clause of its own.
    const statuses = instances.map((instance, index) =>
      call(
        instance,
        'PUT',
        `/api/documents/${documentId}/clauses/${clauseIds[index]}/status`,
        penHolders[index],
        { status: 'bracketed' },
      ),
    );
    const signIns = instances.flatMap((instance) => [1, 2, 3].map(() => instance.signIn(DEMO.observer)));
    const [commentAnswers, statusAnswers] = await Promise.all([
      Promise.all(comments),
      Promise.all(statuses),
      Promise.all(signIns),
    ]);
    expect(commentAnswers.map((answer) => answer.status)).toEqual(commentAnswers.map(() => 201));
    expect(statusAnswers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const threadIds = commentAnswers.map((answer) => (answer.body as { id: string }).id);
    expect(threadIds).toHaveLength(27);
    // Every instance reads all of them; the watcher on C was told each once, each with a number of its own.
    for (const instance of [a, b, c]) {
      const state = (await call(instance, 'GET', `/api/documents/${documentId}/negotiation`, reader))
        .body as {
        threads: { id: string }[];
      };
      const stored = new Set(state.threads.map((thread) => thread.id));
      expect(threadIds.filter((id) => !stored.has(id))).toEqual([]);
    }
    await waitFor(
      () =>
        clauseIds.every((clauseId) =>
          watcher.notices.some(
            (n) =>
              n.kind === 'negotiation' && n.event.type === 'status' && n.event.entry.clauseId === clauseId,
          ),
        ) &&
        threadIds.every((id) =>
          watcher.notices.some(
            (n) => n.kind === 'negotiation' && n.event.type === 'thread' && n.event.thread.id === id,
          ),
        ),
      { what: 'every comment notice on C' },
    );
    const seqs = watcher.notices.flatMap((n) => (n.kind === 'negotiation' ? [n.seq] : []));
    expect(new Set(seqs).size).toBe(seqs.length);
    const admin = await b.signIn(DEMO.admin);
    for (const instance of [a, b, c]) {
      const verified = await call(instance, 'GET', '/api/admin/audit/verify', admin);
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ ok: true });
    }
  });

  it('the per-user connection limit holds across instances: opened alternately on A and B, the one past it is refused with 429', async () => {
    const observer = await a.signIn(DEMO.observer);
    const instances = [a, b, a];
    for (const instance of instances.slice(0, MAX_CONNECTIONS_PER_USER))
      sockets.push(await openRawSocket(instance.wsUrl, documentId, observer.cookie));
    const refused = await attemptRefusedUpgrade(`${b.wsUrl}/collab/${documentId}`, {
      cookie: observer.cookie,
    });
    expect(refused).toMatchObject({ status: 429, opened: false, messages: 0 });
    const refusedOnC = await attemptRefusedUpgrade(`${c.wsUrl}/collab/${documentId}`, {
      cookie: observer.cookie,
    });
    expect(refusedOnC.status).toBe(429);
    // A socket closed on A gives its slot back to the whole deployment: one opens on B.
    const first = sockets.shift();
    first?.close();
    await first?.closed;
    const reopened = await waitFor(
      () => openRawSocket(b.wsUrl, documentId, observer.cookie).catch(() => undefined),
      { what: 'a socket on B after one closed on A' },
    );
    sockets.push(reopened);
    expect(reopened.closeCode).toBeUndefined();
  });
});

describe('processes started at once on an empty DATA_DIR', () => {
  it('seed the demo once: one process, one Action Plan, one account per demo user', async () => {
    const databaseUrl = await createDatabase(inject('postgresUrl'), `multiprocess_seed_${process.pid}`);
    const together = await ProcessCluster.start(
      3,
      { databaseUrl, redisUrl: inject('redisUrl') },
      { together: true },
    );
    try {
      const admin = await together.at(2).signIn(DEMO.admin);
      const documents = (await call(together.at(1), 'GET', '/api/admin/documents', admin)).body as {
        title: string;
      }[];
      expect(documents.filter((document) => document.title.startsWith('Action Plan'))).toHaveLength(1);
      const users = (await call(together.at(0), 'GET', '/api/admin/users', admin)).body as {
        email: string;
      }[];
      const emails = users.map((user) => user.email);
      expect(emails.filter((email) => email === DEMO.penHolder)).toHaveLength(1);
      expect(new Set(emails).size).toBe(emails.length);
    } finally {
      await together.dispose();
    }
  });
});
