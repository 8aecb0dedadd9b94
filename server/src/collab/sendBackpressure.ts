import type { CollabSocket } from './collabSocket';

/**
 * Per-connection send backpressure (issue 12, item 2). A reader that does not
 * read (paused, on a slow link, or hostile) makes every message sent to it
 * wait in the server's memory (CollabSocket.bufferedAmount: over `ws`, the
 * socket's writable buffer plus the frames `ws` has not handed to it yet).
 * Before a message is queued, the connection asks `admits`: once more than
 * `maxBufferedBytes` are waiting, nothing more is queued and the connection
 * is closed with 4408 (SendBufferFull: reconnect and resync). The check is made before
 * queuing, so one message larger than the limit is still sent to a reader
 * that keeps up (a large document's initial sync answer): at most
 * `maxBufferedBytes` plus one message wait for any socket.
 */
export class SendBackpressure {
  private peak = 0;

  /** @param maxBufferedBytes bytes that may wait for the socket before it is closed (e.g. 16 MiB). */
  constructor(readonly maxBufferedBytes: number) {}

  /** True while `socket` has at most `maxBufferedBytes` waiting: one more message may be queued. */
  admits(socket: CollabSocket): boolean {
    return socket.bufferedAmount <= this.maxBufferedBytes;
  }

  /** Records how much waits for `socket` after a message was queued (for `peakBufferedBytes`). */
  queued(socket: CollabSocket): void {
    this.peak = Math.max(this.peak, socket.bufferedAmount);
  }

  /** The most bytes seen waiting for this socket right after a send, in bytes. */
  get peakBufferedBytes(): number {
    return this.peak;
  }
}
