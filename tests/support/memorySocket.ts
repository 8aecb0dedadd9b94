import type { CollabSocket, CollabSocketEvents, SendCallback } from '../../server/src/collab/collabSocket';

/** Close code reported when a socket is terminated without a close handshake (RFC 6455: abnormal closure). */
export const ABNORMAL_CLOSURE = 1006;

type Listeners = { [E in keyof CollabSocketEvents]: CollabSocketEvents[E][] };

/**
 * A CollabSocket held in memory, for unit tests of the collaboration server's
 * parts (Connection, Room, Heartbeat, backpressure) without a network:
 * - what the server sends is recorded in `sent` (messages) and `pings`;
 * - `bufferedAmount` is whatever the test sets (a reader that never reads);
 * - `close` records the code and reason and, like a peer that answers the
 *   close handshake at once, emits `close` with that code; `terminate`
 *   emits `close` with 1006; both only once;
 * - the client's side is played with `receive`, `pong` and `fail`.
 */
export class MemorySocket implements CollabSocket {
  /** Messages sent to the client, in order (a test may empty it). */
  readonly sent: Uint8Array[] = [];
  /** Payloads of the pings sent to the client, in order. */
  readonly pings: Uint8Array[] = [];
  /** Bytes waiting to be sent, in bytes: set by the test. */
  bufferedAmount = 0;
  /** The code the server closed with (`close`), if it did. */
  closedWith: number | undefined;
  /** The reason the server gave when it closed, if it did. */
  closeReason: string | undefined;
  /** True once the server terminated the socket. */
  terminated = false;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly listeners: Listeners = { message: [], pong: [], close: [], error: [] };

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** True once the socket emitted `close`. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  send(bytes: Uint8Array, done: SendCallback): void {
    if (this.state !== 'open') {
      done(new Error('the socket is not open'));
      return;
    }
    this.sent.push(bytes);
    done();
  }

  close(code: number, reason: string): void {
    if (this.state !== 'open') return;
    this.closedWith = code;
    this.closeReason = reason;
    this.state = 'closing';
    this.closed(code);
  }

  terminate(): void {
    if (this.state === 'closed') return;
    this.terminated = true;
    this.closed(ABNORMAL_CLOSURE);
  }

  ping(payload: Uint8Array, done: SendCallback): void {
    if (this.state !== 'open') {
      done(new Error('the socket is not open'));
      return;
    }
    this.pings.push(payload);
    done();
  }

  on<E extends keyof CollabSocketEvents>(event: E, listener: CollabSocketEvents[E]): void {
    this.listeners[event].push(listener);
  }

  /** The client sends `bytes` (a binary frame unless `isBinary` is false). */
  receive(bytes: Uint8Array, isBinary = true): void {
    for (const listener of this.listeners.message) listener(bytes, isBinary);
  }

  /** The client answers with a pong carrying `payload`. */
  pong(payload: Uint8Array): void {
    for (const listener of this.listeners.pong) listener(payload);
  }

  /** The transport reports `error`. */
  fail(error: Error): void {
    for (const listener of this.listeners.error) listener(error);
  }

  private closed(code: number): void {
    this.state = 'closed';
    for (const listener of this.listeners.close) listener(code);
  }
}
