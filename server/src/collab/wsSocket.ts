import type { RawData, WebSocket } from 'ws';
import type { CollabSocket, CollabSocketEvents, SendCallback } from './collabSocket';

/** A `ws` message as bytes: one Buffer, fragments (concatenated) or an ArrayBuffer. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A CollabSocket over a `ws` WebSocket accepted by the collaboration server's
 * upgrade. Messages are sent as binary frames; incoming messages are handed
 * on as bytes. `bufferedAmount` is ws's: the socket's writable buffer plus the
 * frames ws has not handed to it yet.
 */
export class WsSocket implements CollabSocket {
  /**
   * @param ws the accepted socket (server side); the server uses it only
   *   through this adapter (tests may read its TCP socket through it).
   */
  constructor(readonly ws: WebSocket) {}

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(bytes: Uint8Array, done: SendCallback): void {
    this.ws.send(bytes, { binary: true }, done);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(payload: Uint8Array, done: SendCallback): void {
    this.ws.ping(payload, undefined, done);
  }

  on<E extends keyof CollabSocketEvents>(event: E, listener: CollabSocketEvents[E]): void {
    switch (event) {
      case 'message': {
        const onMessage = listener as CollabSocketEvents['message'];
        this.ws.on('message', (data, isBinary) => onMessage(toBytes(data), isBinary));
        return;
      }
      case 'pong': {
        const onPong = listener as CollabSocketEvents['pong'];
        this.ws.on('pong', (data) => onPong(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
        return;
      }
      case 'close': {
        const onClose = listener as CollabSocketEvents['close'];
        this.ws.on('close', (code) => onClose(code));
        return;
      }
      case 'error': {
        const onError = listener as CollabSocketEvents['error'];
        this.ws.on('error', (error) => onError(error));
      }
    }
  }
}
