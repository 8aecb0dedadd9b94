import { CloseCode, MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection } from '../../server/src/collab/connection';
import { Heartbeat } from '../../server/src/collab/heartbeat';
import { SendBackpressure } from '../../server/src/collab/sendBackpressure';
import { SendBufferLedger } from '../../server/src/collab/sendBuffers';
import { ABNORMAL_CLOSURE, MemorySocket } from '../support/memorySocket';
import { delegateProfile, silentLogger } from '../support/roomClients';

function connectionOver(socket: MemorySocket, code = 'PL', guards = {}): Connection {
  return new Connection(
    socket,
    delegateProfile(code),
    'drafter',
    '127.0.0.1',
    silentLogger,
    'session',
    guards,
  );
}

/** The notice in a Notice message. */
function noticeIn(message: Uint8Array | undefined): unknown {
  const decoder = decoding.createDecoder(message ?? new Uint8Array());
  expect(decoding.readVarUint(decoder)).toBe(MessageType.Notice);
  return JSON.parse(decoding.readVarString(decoder));
}

describe('Connection over a CollabSocket', () => {
  it('sends while open, and nothing once closed', () => {
    const socket = new MemorySocket();
    const connection = connectionOver(socket);
    connection.send(Uint8Array.of(1, 2, 3));
    expect(socket.sent).toEqual([Uint8Array.of(1, 2, 3)]);

    connection.close(CloseCode.GoingAway, 'server shutting down');
    expect(socket.closedWith).toBe(CloseCode.GoingAway);
    expect(connection.isOpen).toBe(false);
    connection.send(Uint8Array.of(4));
    expect(socket.sent).toHaveLength(1);
  });

  it('cuts a close reason to what a close frame holds (RFC 6455: 123 bytes)', () => {
    const socket = new MemorySocket();
    connectionOver(socket).close(CloseCode.Forbidden, 'é'.repeat(100));
    expect(Buffer.byteLength(socket.closeReason ?? '')).toBeLessThanOrEqual(123);
    expect(socket.closeReason?.startsWith('éé')).toBe(true);
  });

  it('tells the client why before closing on a refusal', () => {
    const socket = new MemorySocket();
    connectionOver(socket).refuse(CloseCode.Forbidden, 'observers cannot edit the text');
    expect(noticeIn(socket.sent[0])).toEqual({
      kind: 'refused',
      reason: 'observers cannot edit the text',
      closeCode: CloseCode.Forbidden,
    });
    expect(socket.closedWith).toBe(CloseCode.Forbidden);
  });

  it('closes with 4408, queuing nothing, once more than the backpressure limit waits', () => {
    const socket = new MemorySocket();
    const backpressure = new SendBackpressure(1000);
    const connection = connectionOver(socket, 'PL', { backpressure });
    socket.bufferedAmount = 1000;
    connection.send(new Uint8Array(10));
    expect(socket.sent).toHaveLength(1);
    expect(backpressure.peakBufferedBytes).toBe(1000);

    socket.bufferedAmount = 1001;
    connection.send(new Uint8Array(10));
    expect(socket.sent).toHaveLength(1);
    expect(socket.closedWith).toBe(CloseCode.SendBufferFull);
  });

  it("closes a user's fullest socket when the user's sockets together hold too much", () => {
    const sendBuffers = new SendBufferLedger({ maxUserBytes: 1000, maxTotalBytes: Number.POSITIVE_INFINITY });
    const open = (code: string) => {
      const socket = new MemorySocket();
      const connection = connectionOver(socket, code, { sendBuffers });
      sendBuffers.add(connection);
      return { socket, connection };
    };
    const small = open('PL');
    const large = open('PL');
    const otherUser = open('HU');
    small.connection.send(new Uint8Array(600));
    large.connection.send(new Uint8Array(600));
    otherUser.connection.send(new Uint8Array(5000));
    // Their readers do not read: the bytes are still waiting.
    small.socket.bufferedAmount = 300;
    large.socket.bufferedAmount = 800;
    otherUser.socket.bufferedAmount = 5000;

    small.connection.send(new Uint8Array(1));
    expect(large.socket.closedWith).toBe(CloseCode.SendBufferFull);
    expect(small.socket.closedWith).toBeUndefined();
    expect(small.socket.sent).toHaveLength(2);
    expect(otherUser.socket.closedWith).toBeUndefined();
  });

  it('destroys the socket at once on destroy', () => {
    const socket = new MemorySocket();
    const closes: number[] = [];
    socket.on('close', (code) => closes.push(code));
    const connection = connectionOver(socket);
    connection.destroy();
    expect(socket.terminated).toBe(true);
    expect(closes).toEqual([ABNORMAL_CLOSURE]);
    expect(connection.isOpen).toBe(false);
  });
});

describe('Heartbeat over a CollabSocket', () => {
  const options = { intervalMs: 1000, missedPongs: 2 };
  let heartbeat: Heartbeat;
  beforeEach(() => {
    vi.useFakeTimers();
    heartbeat = new Heartbeat(options, silentLogger);
  });
  afterEach(() => {
    heartbeat.stop();
    vi.useRealTimers();
  });

  it('keeps a socket that echoes its pings', () => {
    const socket = new MemorySocket();
    heartbeat.watch(socket);
    for (let round = 0; round < 5; round++) {
      vi.advanceTimersByTime(options.intervalMs);
      socket.pong(socket.pings.at(-1) ?? new Uint8Array());
    }
    expect(socket.pings).toHaveLength(5);
    expect(socket.terminated).toBe(false);
    expect(heartbeat.size).toBe(1);
  });

  it('terminates a socket whose pongs do not echo a ping, and forgets it', () => {
    const socket = new MemorySocket();
    heartbeat.watch(socket);
    for (let round = 0; round < options.missedPongs; round++) {
      vi.advanceTimersByTime(options.intervalMs);
      socket.pong(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    }
    expect(socket.terminated).toBe(false);
    vi.advanceTimersByTime(options.intervalMs);
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toHaveLength(options.missedPongs);
    expect(heartbeat.size).toBe(0);
  });

  it('counts a late pong to an earlier unanswered ping', () => {
    const socket = new MemorySocket();
    heartbeat.watch(socket);
    vi.advanceTimersByTime(options.intervalMs);
    vi.advanceTimersByTime(options.intervalMs);
    socket.pong(socket.pings[0] ?? new Uint8Array());
    vi.advanceTimersByTime(options.intervalMs);
    expect(socket.terminated).toBe(false);
  });

  it('forgets a socket once it closed', () => {
    const socket = new MemorySocket();
    heartbeat.watch(socket);
    socket.close(CloseCode.GoingAway, 'bye');
    expect(heartbeat.size).toBe(0);
    vi.advanceTimersByTime(options.intervalMs * 5);
    expect(socket.pings).toHaveLength(0);
  });
});
