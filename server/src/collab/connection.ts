import {
  type CloseCode,
  canEditText,
  MessageType,
  type PresenceUser,
  type Role,
  type ServerNotice,
  type UserProfile,
} from '@draftroom/shared';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import type { Logger } from '../logger';
import type { UpdateAuthor } from './documentStorage';
import type { ParkedUpdates } from './parkedUpdates';

let nextConnectionId = 1;

/** One client's WebSocket to one document, with the identity and role decided at the upgrade. */
export class Connection {
  readonly id = nextConnectionId++;
  /** The awareness client id this connection speaks for (the first one it announced). */
  awarenessClientId: number | undefined;
  /** Updates waiting for this connection's own earlier changes (created by the room on first use). */
  parked: ParkedUpdates | undefined;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly user: UserProfile,
    public role: Role,
    readonly remoteAddress: string,
    readonly logger: Logger,
    /** The session the socket was opened with: signing it out closes the socket. */
    readonly sessionToken = '',
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
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  send(message: Uint8Array): void {
    if (!this.isOpen) return;
    this.socket.send(message, { binary: true }, (error) => {
      if (error) this.logger.debug({ err: error, connection: this.id }, 'send failed');
    });
  }

  /** Sends a Draftroom notice: the message type, then the notice as a JSON string. */
  sendNotice(notice: ServerNotice): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Notice);
    encoding.writeVarString(encoder, JSON.stringify(notice));
    this.send(encoding.toUint8Array(encoder));
  }

  /** Tells the client why (a `refused` notice, which it shows), then closes with `closeCode`. */
  refuse(closeCode: CloseCode, reason: string): void {
    this.sendNotice({ kind: 'refused', reason, closeCode });
    this.close(closeCode, reason);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Close reasons are limited to 123 bytes by RFC 6455.
    this.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
  }

  markClosed(): void {
    this.closed = true;
    this.parked?.clear();
  }
}
