import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Connection } from '../../server/src/collab/connection';
import { clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { noticeOf } from '../support/negotiationLive';
import {
  openRawSocket,
  pauseReading,
  type RawCollabSocket,
  resumeReading,
  syncStep1Message,
} from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const MiB = 1024 * 1024;
const CHUNK = 512 * 1024;
const CHUNKS = 48;
const MAX_SEND_BUFFER = 2 * MiB;
const CLOSE_TIMEOUT_MS = 3000;
const SYNC_ANSWERS_BURST = 10;

/** The server side of the open connection of `email` in the document's room. */
function serverSide(server: TestServer, documentId: string, email: string): Connection {
  const room = server.server.collab.rooms.get(documentId);
  const connection = [...(room?.connections ?? [])].find((c) => c.user.email === email && c.isOpen);
  if (!connection) throw new Error(`no open connection of ${email}`);
  return connection;
}

/** Issue 12, item 2 (a): a reader that does not read is closed with 4408 before it costs unbounded memory. */
describe('send backpressure: slow readers', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({
      maxSendBufferBytes: MAX_SEND_BUFFER,
      collabCloseTimeoutMs: CLOSE_TIMEOUT_MS,
      // The writer uploads 24 MiB at once: this test is about the readers, not the writer's budget.
      collabBytesPerSecond: 256 * MiB,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function pausedReader(email: string): Promise<{ socket: RawCollabSocket; connection: Connection }> {
    const socket = await openRawSocket(server.wsUrl, documentId, (await server.signIn(email)).cookie);
    await socket.requestFullState();
    pauseReading(socket.ws);
    return { socket, connection: serverSide(server, documentId, email) };
  }

  it('closes paused readers with 4408 while 48 × 512 KiB are written, bounded; the reader resyncs after reconnecting', async () => {
    const writer = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    const reader = await pausedReader(DEMO.observer);
    const stuck = await pausedReader(DEMO.commenter); // never reads again
    let reason = '';
    reader.socket.ws.on('close', (_code, why) => {
      reason = why.toString();
    });

    const text = clauseParagraphText(writer.doc, 0);
    for (let i = 0; i < CHUNKS; i++) {
      const marker = `[chunk ${String(i).padStart(2, '0')}]`;
      text.insert(text.length, marker + 'x'.repeat(CHUNK - marker.length));
    }
    await waitFor(
      () =>
        reader.connection.closedWith === CloseCode.SendBufferFull &&
        stuck.connection.closedWith === CloseCode.SendBufferFull,
      { what: 'both paused readers closed with 4408', timeoutMs: 60_000, intervalMs: 50 },
    );
    // Resumed before the close timeout: it reads what was queued, then the close frame.
    resumeReading(reader.socket.ws);
    expect(await reader.socket.closed).toBe(CloseCode.SendBufferFull);
    expect(reason).toMatch(/fell behind/);

    // Never more than the limit plus the messages of one send waited for either reader.
    const peaks = [reader, stuck].map(
      ({ connection }) => connection.guards.backpressure?.peakBufferedBytes ?? 0,
    );
    console.info(
      `backpressure: peak bytes waiting for the paused readers ${peaks.join(', ')} (limit ${MAX_SEND_BUFFER})`,
    );
    for (const { connection } of [reader, stuck]) {
      const peak = connection.guards.backpressure?.peakBufferedBytes ?? Number.POSITIVE_INFINITY;
      expect(peak).toBeLessThanOrEqual(MAX_SEND_BUFFER + 2 * CHUNK + 64 * 1024);
      expect(peak).toBeLessThan((CHUNKS * CHUNK) / 4);
    }
    // The one that never reads is destroyed after the close timeout: its buffer is released.
    const room = server.server.collab.rooms.get(documentId);
    await waitFor(() => !room?.connections.has(stuck.connection), {
      what: 'the stuck reader destroyed after the close timeout',
      timeoutMs: CLOSE_TIMEOUT_MS + 5000,
    });
    expect(stuck.connection.socket.bufferedAmount).toBe(0);

    // The room kept serving the writer: every chunk is in the room's document.
    await waitFor(() => room && clauseParagraphText(room.doc, 0).length >= CHUNKS * CHUNK, {
      what: 'every chunk applied',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(writer.closeCodes).toEqual([]);

    // Reconnecting resyncs: the whole 24 MiB document in one answer, larger than the limit, on an empty buffer.
    const again = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.observer)).cookie);
    await again.requestFullState();
    expect(contentOf(again.doc)).toBe(contentOf(writer.doc));
    expect(clauseParagraphText(again.doc, 0).toString()).toContain(`[chunk ${CHUNKS - 1}]`);
    expect(again.closeCode).toBeUndefined();
    again.close();
    writer.destroy();
    stuck.socket.ws.terminate();
  }, 120_000);
});

/** Issue 12, item 2 (b): a socket that asks for the whole document over and over is closed with 4429. */
describe('sync answer budget', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({
      collabSyncAnswersBurst: SYNC_ANSWERS_BURST,
      collabSyncAnswersPerMinute: 30,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('closes an observer that never reads and sends sync step 1 200 times a second; the room keeps serving others', async () => {
    const flooder = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    pauseReading(flooder.ws);
    const connection = serverSide(server, documentId, DEMO.observer);
    const emptyStep1 = syncStep1Message(new Y.Doc());
    const started = performance.now();
    let sent = 0;
    const flood = setInterval(() => {
      flooder.send(emptyStep1);
      sent++;
    }, 5);
    try {
      await waitFor(() => connection.closedWith === CloseCode.RateLimited, {
        what: 'the flooder closed with 4429',
        timeoutMs: 5000,
        intervalMs: 5,
      });
    } finally {
      clearInterval(flood);
    }
    const closedAfterMs = Math.round(performance.now() - started);
    console.info(
      `sync answers: the step-1 flooder was closed ${closedAfterMs} ms after it started (${sent} sent)`,
    );
    expect(closedAfterMs).toBeLessThan(2000);

    // Others are served as usual.
    const editor = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    const peer = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    clauseParagraphText(editor.doc, 1).insert(0, '[still served]');
    await waitFor(() => contentOf(peer.doc).includes('[still served]'), { what: 'an edit reached a peer' });

    resumeReading(flooder.ws);
    expect(await flooder.closed).toBe(CloseCode.RateLimited);
    expect(flooder.syncUpdates.length).toBe(SYNC_ANSWERS_BURST);
    const refusals = flooder.messages.map(noticeOf).filter((notice) => notice?.kind === 'refused');
    expect(refusals).toEqual([expect.objectContaining({ closeCode: CloseCode.RateLimited })]);
    await waitFor(() => !server.server.collab.rooms.get(documentId)?.connections.has(connection), {
      what: 'the flooder’s connection released',
    });
    editor.destroy();
    peer.destroy();
  });
});
