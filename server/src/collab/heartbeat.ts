import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import type { CollabSocket } from './collabSocket';

/** Random bytes in each ping: a pong must echo them. */
const PING_PAYLOAD_BYTES = 8;

interface Watched {
  /** Pings sent since the last matching pong. */
  missed: number;
  logger: Logger;
  /** Payloads of the unanswered pings (at most `missedPongs`, the newest last). */
  payloads: Buffer[];
}

export interface HeartbeatOptions {
  /** Milliseconds between two pings to every watched socket. */
  intervalMs: number;
  /** Consecutive unanswered pings after which a socket is terminated (at least 1). */
  missedPongs: number;
}

/**
 * Notices dead peers (a stopped process, a sleeping laptop, a dropped
 * network): every `intervalMs` each watched socket gets a WebSocket ping; a
 * socket that has not answered the last `missedPongs` pings is terminated
 * (CollabSocket.terminate), which emits its `close` event at once, so everything
 * tied to it (the per-user slot, the presence, the room) is released by the
 * ordinary close handling. Browsers and the `ws` client answer pings by
 * themselves, so the stock y-websocket provider needs nothing. A socket is
 * declared dead between `missedPongs × intervalMs` and
 * `(missedPongs + 1) × intervalMs` after it stopped answering.
 *
 * Only a pong that echoes a ping counts: each ping carries 8 random bytes,
 * drawn per socket and per round, and a pong answers only if it carries the
 * payload of one of the socket's unanswered pings (RFC 6455: a pong echoes
 * its ping's data; browsers and `ws` do). A client that never reads cannot
 * know the payload, so unsolicited pongs (or pongs copied from another of its
 * sockets) do not keep it alive.
 */
export class Heartbeat {
  /** Per watched socket: unanswered pings, their payloads, and the logger naming its connection. */
  private readonly unanswered = new Map<CollabSocket, Watched>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.beat(), options.intervalMs);
    this.timer.unref();
  }

  /** Starts pinging `socket` (logging its end with `logger`); it is forgotten when it closes. */
  watch(socket: CollabSocket, logger: Logger = this.logger): void {
    const entry: Watched = { missed: 0, logger, payloads: [] };
    this.unanswered.set(socket, entry);
    socket.on('pong', (data) => {
      if (!entry.payloads.some((payload) => payload.equals(data))) return;
      entry.missed = 0;
      entry.payloads = [];
    });
    socket.on('close', () => this.unanswered.delete(socket));
  }

  /** How many sockets are watched (for tests and metrics). */
  get size(): number {
    return this.unanswered.size;
  }

  /** Stops the timer (shutdown); sockets are left as they are. */
  stop(): void {
    clearInterval(this.timer);
    this.unanswered.clear();
  }

  private beat(): void {
    for (const [socket, entry] of this.unanswered) {
      if (entry.missed >= this.options.missedPongs) {
        this.unanswered.delete(socket);
        entry.logger.info({ missedPongs: entry.missed }, 'socket stopped answering pings; terminated');
        socket.terminate();
        continue;
      }
      entry.missed++;
      if (!socket.isOpen) continue;
      const payload = randomBytes(PING_PAYLOAD_BYTES);
      // The unanswered pings' payloads: a late pong to an earlier one still counts.
      entry.payloads = [...entry.payloads, payload].slice(-this.options.missedPongs);
      socket.ping(payload, (error) => {
        if (error) this.logger.debug({ err: error }, 'ping failed');
      });
    }
  }
}
