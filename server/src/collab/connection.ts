import {
  CloseCode,
  canEditText,
  MessageType,
  type PresenceUser,
  type Role,
  type ServerNotice,
  type UserProfile,
} from '@draftroom/shared';
import * as encoding from 'lib0/encoding';
import type { Logger } from '../logger';
import type { CollabSocket } from './collabSocket';
import type { UpdateAuthor } from './documentStorage';
import type { AnswerBudget } from './messageBudget';
import type { ParkedUpdates } from './parkedUpdates';
import type { SendBackpressure } from './sendBackpressure';
import type { SendBufferLedger } from './sendBuffers';
import type { UserAllowance } from './userBuckets';

/** Bounds a connection is held to (none when absent: unit tests). */
export interface ConnectionGuards {
  /** Closes the connection with 4408 once too much waits to be sent to it. */
  backpressure?: SendBackpressure;
  /** Bounds what waits for its user's sockets together, and for every socket (4408 past them). */
  sendBuffers?: SendBufferLedger;
  /** How often its user may ask for the whole document (sync step 1); 4429 past it. */
  syncAnswers?: AnswerBudget;
  /** How often its user may be sent the room's presence (on joining, QueryAwareness); 4429 past it. */
  presenceAnswers?: AnswerBudget;
  /** Bytes of presence its user may have relayed; past it presence updates are dropped. */
  presenceBytes?: UserAllowance;
  /** When its session expires (ms since the epoch): messages from then on are refused with 4401. */
  sessionExpiresAt?: number;
}

let nextConnectionId = 1;

/** One client's socket to one document, with the identity and role decided at the upgrade. */
export class Connection {
  readonly id = nextConnectionId++;
  /**
   * The awareness client id others see this connection as: the first id it
   * announced, or a server-chosen alias when that id was another user's
   * (RoomPresence).
   */
  awarenessClientId: number | undefined;
  /** The awareness client id its client calls itself (the first it announced as its own). */
  announcedClientId: number | undefined;
  /** Updates waiting for this connection's own earlier changes (created by the room on first use). */
  parked: ParkedUpdates | undefined;
  private closed = false;
  /** The code the server closed this connection with, if it did. */
  closedWith: number | undefined;

  constructor(
    readonly socket: CollabSocket,
    readonly user: UserProfile,
    public role: Role,
    readonly remoteAddress: string,
    readonly logger: Logger,
    /** The session the socket was opened with: signing it out closes the socket. */
    readonly sessionToken = '',
    readonly guards: ConnectionGuards = {},
  ) {}

  get canEdit(): boolean {
    return canEditText(this.role);
  }

  /** What other people see of this connection's user: always from the session, never from the client. */
  get presence(): PresenceUser {
    return {
      userId: this.user.id,
      name: this.user.name,
      participantCode: this.user.participant.code,
      participantName: this.user.participant.name,
      color: this.user.participant.color,
    };
  }

  /** This connection's user as the author of stored updates touching `clauses`. */
  author(clauses: Iterable<string>): UpdateAuthor {
    return { userId: this.user.id, participantId: this.user.participant.id, touchedClauses: [...clauses] };
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.isOpen;
  }

  /**
   * Queues `message` on the socket. When more than the backpressure limit
   * already waits for it, nothing is queued and the connection is closed with
   * 4408 (SendBufferFull): no notice, it could not get through; the close
   * reason says it, and the close timeout destroys the socket if the reader
   * never reads up to the close frame, which releases the buffered bytes.
   * The same happens when its user's sockets together, or all sockets, hold
   * too much (SendBufferLedger: the largest are closed first, maybe others).
   */
  send(message: Uint8Array): void {
    if (!this.isOpen) return;
    const { backpressure, sendBuffers } = this.guards;
    if (backpressure && !backpressure.admits(this.socket)) {
      this.fellBehind('this connection');
      return;
    }
    if (sendBuffers && !sendBuffers.admits(this)) return;
    this.socket.send(message, (error) => {
      if (error) this.logger.debug({ err: error, connection: this.id }, 'send failed');
    });
    backpressure?.queued(this.socket);
    sendBuffers?.queued(this, message.byteLength);
  }

  /**
   * Closes the connection with 4408 (SendBufferFull): too much waits to be
   * sent to `whose` (this connection, its user's connections together, or the
   * whole server's).
   */
  fellBehind(whose: string): void {
    this.logger.warn(
      { connection: this.id, bufferedBytes: this.socket.bufferedAmount, ip: this.remoteAddress, whose },
      'connection fell behind; closing it',
    );
    this.close(CloseCode.SendBufferFull, 'fell behind: reconnect and resynchronise');
  }

  /** Destroys the socket at once (its waiting bytes are freed); its close event follows. */
  destroy(): void {
    this.closed = true;
    this.closedWith ??= CloseCode.SendBufferFull;
    this.socket.terminate();
  }

  /** True once the connection's session has expired (its messages are then refused with 4401). */
  sessionExpired(now = Date.now()): boolean {
    const expiresAt = this.guards.sessionExpiresAt;
    return expiresAt !== undefined && now >= expiresAt;
  }

  /** Sends a Draftroom notice: the message type, then the notice as a JSON string. */
  sendNotice(notice: ServerNotice): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Notice);
    encoding.writeVarString(encoder, JSON.stringify(notice));
    this.send(encoding.toUint8Array(encoder));
  }

  /**
   * Tells the client why (a `refused` notice, which it shows), then closes
   * with `closeCode`. When its send buffer is already full the notice is
   * skipped (the close reason still says why): the refusal's code wins over 4408.
   */
  refuse(closeCode: CloseCode, reason: string): void {
    if (this.guards.backpressure?.admits(this.socket) ?? true) {
      this.sendNotice({ kind: 'refused', reason, closeCode });
    }
    this.close(closeCode, reason);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWith = code;
    // Close reasons are limited to 123 bytes by RFC 6455.
    this.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
  }

  markClosed(): void {
    this.closed = true;
    this.parked?.clear();
  }
}
