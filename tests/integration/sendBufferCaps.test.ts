import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../server/src/collab/connection';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { openRawSocket, pauseReading, type RawCollabSocket, resumeReading } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 512 * KiB;
const CHUNKS = 32;
const MAX_SEND_BUFFER = 2 * MiB;
/** One message may pass the check made before it is queued (a turn's merged update: a chunk or two). */
const ONE_MESSAGE_SLACK = 3 * CHUNK;

interface Rig {
  server: TestServer;
  documentId: string;
}

/** Opens `count` sockets of `email` that read the document once, then never again. */
async function pausedSockets(rig: Rig, email: string, count: number): Promise<RawCollabSocket[]> {
  const { cookie } = await rig.server.signIn(email);
  const sockets: RawCollabSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await openRawSocket(rig.server.wsUrl, rig.documentId, cookie);
    await socket.requestFullState();
    pauseReading(socket.ws);
    sockets.push(socket);
  }
  return sockets;
}

/**
 * Writes CHUNKS × CHUNK through `writer` while sampling, every few ms, the
 * bytes waiting for the server-side connections `counted` picks (open or
 * closing: both hold memory). Returns the largest sum seen.
 */
async function peakWhileWriting(
  rig: Rig,
  writer: CollabClient,
  counted: (connection: Connection) => boolean,
): Promise<number> {
  const room = rig.server.server.collab.rooms.get(rig.documentId);
  let peak = 0;
  const sample = () => {
    let sum = 0;
    for (const connection of room?.connections ?? []) {
      if (counted(connection)) sum += connection.socket.bufferedAmount;
    }
    peak = Math.max(peak, sum);
  };
  const sampler = setInterval(sample, 2);
  try {
    const text = clauseParagraphText(writer.doc, 0);
    for (let i = 0; i < CHUNKS; i++) {
      const marker = `[chunk ${String(i).padStart(2, '0')}]`;
      text.insert(text.length, marker + 'y'.repeat(CHUNK - marker.length));
      // One chunk at a time: each is one broadcast message.
      await waitFor(() => room && clauseParagraphText(room.doc, 0).length === text.length, {
        what: `chunk ${i} applied`,
        timeoutMs: 30_000,
      });
      sample();
    }
    await waitFor(() => ![...(room?.connections ?? [])].some(counted), {
      what: 'every paused socket closed',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

function release(sockets: RawCollabSocket[]): void {
  for (const socket of sockets) {
    resumeReading(socket.ws);
    socket.ws.terminate();
  }
}

/** Finding 7a: one user's sockets together may hold at most MAX_USER_SEND_BUFFER_BYTES of the server's memory. */
describe('send buffers: per user', () => {
  const MAX_USER = 3 * MiB;
  const rig = {} as Rig;

  beforeAll(async () => {
    rig.server = await startTestServer({
      maxSendBufferBytes: MAX_SEND_BUFFER,
      maxUserSendBufferBytes: MAX_USER,
      collabCloseTimeoutMs: 3000,
      collabBytesPerSecond: 256 * MiB,
    });
    rig.documentId = rig.server.actionPlanId();
  });
  afterAll(async () => {
    await rig.server?.dispose();
  });

  it('an observer’s five sockets that never read hold at most the per-user bound together; readers that read are served', async () => {
    const writer = await connectSynced(
      rig.server.wsUrl,
      rig.documentId,
      (await rig.server.signIn(DEMO.penHolder)).cookie,
    );
    const peer = await connectSynced(
      rig.server.wsUrl,
      rig.documentId,
      (await rig.server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    const paused = await pausedSockets(rig, DEMO.observer, 5);
    const peak = await peakWhileWriting(rig, writer, (c) => c.user.email === DEMO.observer);
    console.info(
      `send buffers: one user's five paused sockets held at most ${(peak / MiB).toFixed(1)} MiB together (bound ${MAX_USER / MiB} MiB, ${MAX_SEND_BUFFER / MiB} MiB per socket)`,
    );
    expect(peak).toBeLessThanOrEqual(MAX_USER + ONE_MESSAGE_SLACK);
    await waitFor(() => contentOf(peer.doc) === contentOf(writer.doc), { what: 'the peer has every chunk' });
    expect(writer.closeCodes).toEqual([]);
    expect(peer.closeCodes).toEqual([]);
    release(paused);
    writer.destroy();
    peer.destroy();
  }, 120_000);
});

/** Finding 7a: all collaboration sockets together, whoever they belong to. */
describe('send buffers: server-wide', () => {
  const MAX_TOTAL = 3 * MiB;
  const rig = {} as Rig;

  beforeAll(async () => {
    rig.server = await startTestServer({
      maxSendBufferBytes: MAX_SEND_BUFFER,
      maxTotalSendBufferBytes: MAX_TOTAL,
      collabCloseTimeoutMs: 3000,
      collabBytesPerSecond: 256 * MiB,
    });
    rig.documentId = rig.server.actionPlanId();
  });
  afterAll(async () => {
    await rig.server?.dispose();
  });

  it('three users’ paused sockets hold at most the server-wide bound together; the largest are closed, readers are served', async () => {
    const writer = await connectSynced(
      rig.server.wsUrl,
      rig.documentId,
      (await rig.server.signIn(DEMO.penHolder)).cookie,
    );
    const peer = await connectSynced(
      rig.server.wsUrl,
      rig.documentId,
      (await rig.server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    const paused = [
      ...(await pausedSockets(rig, DEMO.observer, 2)),
      ...(await pausedSockets(rig, DEMO.commenter, 2)),
      ...(await pausedSockets(rig, DEMO.czechDrafter, 1)),
    ];
    const pausedEmails = new Set<string>([DEMO.observer, DEMO.commenter, DEMO.czechDrafter]);
    const peak = await peakWhileWriting(rig, writer, (c) => pausedEmails.has(c.user.email));
    console.info(
      `send buffers: five paused sockets of three users held at most ${(peak / MiB).toFixed(1)} MiB together (bound ${MAX_TOTAL / MiB} MiB)`,
    );
    expect(peak).toBeLessThanOrEqual(MAX_TOTAL + ONE_MESSAGE_SLACK);
    await waitFor(() => contentOf(peer.doc) === contentOf(writer.doc), { what: 'the peer has every chunk' });
    expect(writer.closeCodes).toEqual([]);
    expect(peer.closeCodes).toEqual([]);
    release(paused);
    writer.destroy();
    peer.destroy();
  }, 120_000);
});
