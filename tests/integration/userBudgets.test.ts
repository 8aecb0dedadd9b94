import { CloseCode, MessageType } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clauseParagraphText } from '../support/collabClient';
import { noticeOf } from '../support/negotiationLive';
import {
  awarenessMessage,
  openRawSocket,
  type RawCollabSocket,
  syncStep1Message,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const SYNC_ANSWERS_BURST = 4;
const PRESENCE_ANSWERS_BURST = 12;

/** Waits until `socket` got a sync answer or was closed; true when it was answered. */
async function answeredOrClosed(socket: RawCollabSocket): Promise<boolean> {
  await waitFor(() => socket.syncUpdates.length > 0 || socket.closeCode !== undefined, {
    what: 'a sync answer or a close',
  });
  return socket.syncUpdates.length > 0;
}

const refusalsOf = (socket: RawCollabSocket) =>
  socket.messages.map(noticeOf).filter((notice) => notice?.kind === 'refused');

/** Finding 6: what a user may ask for is the user's budget, shared by its sockets and kept across reconnects. */
describe('per-user answer budgets', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({
      collabSyncAnswersBurst: SYNC_ANSWERS_BURST,
      collabSyncAnswersPerMinute: 1,
      collabPresenceAnswersBurst: PRESENCE_ANSWERS_BURST,
      collabPresenceAnswersPerMinute: 1,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('reconnecting does not reset the sync-answer budget: past it every new socket of the user gets 4429', async () => {
    const { cookie } = await server.signIn(DEMO.observer);
    const emptyStep1 = syncStep1Message(new Y.Doc());
    let answered = 0;
    const refused: number[] = [];
    for (let i = 0; i < 2 * SYNC_ANSWERS_BURST; i++) {
      const socket = await openRawSocket(server.wsUrl, documentId, cookie);
      socket.send(emptyStep1);
      if (await answeredOrClosed(socket)) {
        answered++;
        socket.close();
        await socket.closed;
        continue;
      }
      refused.push(await socket.closed);
      expect(refusalsOf(socket)).toEqual([expect.objectContaining({ closeCode: CloseCode.RateLimited })]);
    }
    expect(answered).toBe(SYNC_ANSWERS_BURST);
    expect(refused).toEqual(Array.from({ length: SYNC_ANSWERS_BURST }, () => CloseCode.RateLimited));

    // Another user's budget is its own.
    const other = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.penHolder)).cookie);
    await other.requestFullState();
    expect(other.closeCode).toBeUndefined();
    other.close();
  });

  it('QueryAwareness (and the presence sent on joining) is charged to the user’s presence budget: 4429 past it', async () => {
    const holderCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
    const holders = await Promise.all(
      [0, 1, 2].map(() => openRawSocket(server.wsUrl, documentId, holderCookie)),
    );
    const big = { pad: 'x'.repeat(15 * 1024) };
    holders.forEach((holder, index) => {
      holder.send(awarenessMessage([{ clientId: 720_000 + index, clock: 1, state: big }]));
    });
    await waitFor(() => (server.server.collab.rooms.get(documentId)?.awareness.getStates().size ?? 0) >= 3, {
      what: 'the holders’ presence in the room',
    });
    const querier = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.commenter)).cookie,
    );
    const query = Uint8Array.of(MessageType.QueryAwareness);
    for (let i = 0; i < 5 * PRESENCE_ANSWERS_BURST; i++) querier.send(query);
    await waitFor(() => querier.closeCode !== undefined, { what: 'the querier closed', timeoutMs: 5000 });
    expect(querier.closeCode).toBe(CloseCode.RateLimited);
    const answers = querier.messages.filter((frame) => frame[0] === MessageType.Awareness).length;
    // The presence sent on joining counts: one answer less for the queries.
    expect(answers).toBeLessThanOrEqual(PRESENCE_ANSWERS_BURST);
    expect(refusalsOf(querier)).toEqual([expect.objectContaining({ closeCode: CloseCode.RateLimited })]);

    // Joining costs one answer too: the user's next socket is refused at once.
    const next = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.commenter)).cookie);
    expect(await next.closed).toBe(CloseCode.RateLimited);
    expect(next.messages.filter((frame) => frame[0] === MessageType.Awareness)).toEqual([]);
    for (const holder of holders) {
      expect(holder.closeCode).toBeUndefined();
      holder.close();
    }
  });
});

interface RefusalRow {
  id: number;
  detail: { why?: string; role?: string; repeated?: number };
}

/** Finding 3: a refusal a client can repeat at will is aggregated in the audit log. */
describe('refusals a client can repeat are aggregated in the audit log', () => {
  const WINDOW_SECONDS = 1;
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({
      auditRefusalWindowSeconds: WINDOW_SECONDS,
      // Many reconnects: this is about the audit log, not the join budget.
      collabPresenceAnswersBurst: 10_000,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  function refusalRows(afterId: number): RefusalRow[] {
    const rows = server.server.db
      .prepare(
        "SELECT id, detail FROM audit_log WHERE action = 'refused' AND target = ? AND actor_email = ? AND id > ? ORDER BY id",
      )
      .all(documentId, DEMO.observer, afterId) as { id: number; detail: string }[];
    return rows.map((row) => ({ id: row.id, detail: JSON.parse(row.detail) as RefusalRow['detail'] }));
  }

  it('an observer that reconnects and sends an edit 40 times: 40 closes with 4403, every one counted, in a handful of rows', async () => {
    const { cookie } = await server.signIn(DEMO.observer);
    const probe = await openRawSocket(server.wsUrl, documentId, cookie);
    await probe.requestFullState();
    const edit = syncUpdateMessage(
      updateFrom(probe.doc, (doc) => clauseParagraphText(doc, 0).insert(0, '[not allowed]')),
    );
    probe.close();
    const lastId = (server.server.db.prepare('SELECT max(id) AS id FROM audit_log').get() as { id: number })
      .id;
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      const socket = await openRawSocket(server.wsUrl, documentId, cookie);
      socket.send(edit);
      expect(await socket.closed).toBe(CloseCode.Forbidden);
    }
    const elapsedMs = performance.now() - started;
    const rows = await waitFor(
      () => {
        const found = refusalRows(lastId);
        return found.reduce((sum, row) => sum + (row.detail.repeated ?? 1), 0) === 40 ? found : undefined;
      },
      { what: 'every refusal accounted for', timeoutMs: 5000 },
    );
    console.info(`audit: 40 refused edits in ${Math.round(elapsedMs)} ms wrote ${rows.length} rows`);
    // The first of each window in full, the others as one summary row per window.
    expect(rows.length).toBeLessThanOrEqual(2 * (Math.ceil(elapsedMs / (WINDOW_SECONDS * 1000)) + 2));
    expect(rows[0]?.detail).toEqual({
      why: expect.stringMatching(/may not change the text/),
      role: 'observer',
    });
    expect(rows.some((row) => (row.detail.repeated ?? 0) > 0)).toBe(true);
  });
});
