/**
 * What the collaboration server needs of a client's socket, whatever carries
 * it: `ws` in production (WsSocket, made where the upgrade is accepted), an
 * in-memory socket in unit tests (tests/support/memorySocket.ts). Connection,
 * Heartbeat, SendBackpressure, SendBufferLedger and SessionWatch see only this.
 */

/** Called once a message was handed to the transport, or could not be (`error`). */
export type SendCallback = (error?: Error) => void;

/** The events a collaboration socket reports, with their listeners' shapes. */
export interface CollabSocketEvents {
  /** A message from the client: its bytes, and whether it came as a binary frame (text frames are refused). */
  message: (bytes: Uint8Array, isBinary: boolean) => void;
  /** A pong from the client, with the payload it echoes. */
  pong: (payload: Uint8Array) => void;
  /** The socket closed (after a close handshake, a terminate or a lost peer), with the close code (1006 when none). */
  close: (code: number) => void;
  /** A transport or protocol error (an oversized frame, a reset); a close follows. */
  error: (error: Error) => void;
}

/** A client's connection to the collaboration endpoint, as the server uses it. */
export interface CollabSocket {
  /** True while the socket is open: messages sent now may reach the client. False once closing or closed. */
  readonly isOpen: boolean;
  /** Bytes queued on the socket and not yet handed to the network, in bytes. */
  readonly bufferedAmount: number;
  /** Queues `bytes` as one binary message; `done` is called once it was written or failed. */
  send(bytes: Uint8Array, done: SendCallback): void;
  /**
   * Starts the close handshake with `code` and `reason` (at most 123 bytes
   * of UTF-8, RFC 6455); the `close` event follows once it completes (or the
   * transport's close timeout destroys the socket).
   */
  close(code: number, reason: string): void;
  /** Destroys the socket at once, freeing what waits to be sent; the `close` event follows. */
  terminate(): void;
  /** Sends a ping carrying `payload` (at most 125 bytes); `done` is called once it was written or failed. */
  ping(payload: Uint8Array, done: SendCallback): void;
  /** Adds a listener for `event`; listeners live as long as the socket. */
  on<E extends keyof CollabSocketEvents>(event: E, listener: CollabSocketEvents[E]): void;
}
