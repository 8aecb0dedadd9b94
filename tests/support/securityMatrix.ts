import { CloseCode, type Role } from '@draftroom/shared';
import { expect } from 'vitest';
import { type CollabClient, contentOf } from './collabClient';
import { connectWellBehaved } from './ownPresence';
import { attemptRefusedUpgrade, loadStoredDoc, openRawSocket, type RawCollabSocket } from './rawCollab';
import {
  type ApiAnswer,
  api,
  awarenessEntries,
  type CreatedUser,
  EditBarrier,
  noticesIn,
  storedRowsDigest,
} from './securityHarness';
import { DEMO, type SignedIn, type TestServer } from './testServer';
import { waitFor } from './waitFor';

/** Someone acting in the permission matrix. */
export interface MatrixActor {
  key: string;
  email: string;
  password: string;
  /** The role on the document; null: no access. */
  docRole: Role | null;
  admin: boolean;
  /** Signed out: every refusal is 401 instead of 403/404. */
  anonymous?: boolean;
}

/**
 * The fixtures of the permission matrix on one document: a well-behaved
 * drafter (`editor`, the secretariat) whose edits are the positive barrier,
 * and a raw observer socket (`watcher`) that records everything the server
 * relays. Raw sockets opened through `rawSocket` are closed by `dispose`.
 */
export class MatrixRig {
  readonly sockets: RawCollabSocket[] = [];

  private constructor(
    readonly server: TestServer,
    readonly documentId: string,
    readonly editor: CollabClient,
    readonly watcher: RawCollabSocket,
    readonly barrier: EditBarrier,
  ) {}

  /** Connects the editor and the watcher (a user of an observer participant). */
  static async start(server: TestServer, documentId: string, watcherUser: CreatedUser): Promise<MatrixRig> {
    const editor = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.secretariat)).cookie,
    );
    const watcherCookie = (await server.signIn(watcherUser.email, watcherUser.password)).cookie;
    const watcher = await openRawSocket(server.wsUrl, documentId, watcherCookie);
    await watcher.requestFullState();
    // y-protocols does not apply a presence with clock 0; setting a field announces the editor.
    editor.provider.awareness.setLocalStateField('cursor', 'editor');
    await waitFor(() => awarenessEntries(watcher.messages).some((e) => e.clientId === editor.doc.clientID), {
      what: "watcher sees the editor's presence",
    });
    return new MatrixRig(server, documentId, editor, watcher, new EditBarrier(editor, watcher));
  }

  dispose(): void {
    for (const socket of this.sockets) socket.close();
    this.watcher.close();
    this.editor.destroy();
  }

  async rawSocket(session: SignedIn | undefined): Promise<RawCollabSocket> {
    const socket = await openRawSocket(this.server.wsUrl, this.documentId, session?.cookie ?? '');
    this.sockets.push(socket);
    return socket;
  }

  storedContent(): string {
    const doc = loadStoredDoc(this.server.server.repositories.documentStorage, this.documentId);
    const content = contentOf(doc);
    doc.destroy();
    return content;
  }

  storedDigest(): string {
    return storedRowsDigest(this.server, this.documentId);
  }

  /** Actors without access cannot even open the socket: 404 (401 signed out), no WebSocket byte, nothing stored. */
  async expectUpgradeRefused(actor: MatrixActor, session: SignedIn | undefined): Promise<string> {
    const before = this.storedDigest();
    const headers: Record<string, string> = session ? { cookie: session.cookie } : {};
    const refused = await attemptRefusedUpgrade(`${this.server.wsUrl}/collab/${this.documentId}`, headers);
    const expected = actor.anonymous ? 401 : 404;
    expect(refused).toMatchObject({ status: expected, opened: false, messages: 0 });
    if (!actor.anonymous) {
      // Exactly the answer for a document that does not exist: no hint that it does.
      const unknown = await attemptRefusedUpgrade(`${this.server.wsUrl}/collab/no-such-document`, headers);
      expect(refused.body).toBe(unknown.body);
    }
    expect(this.storedDigest()).toBe(before);
    return String(expected);
  }

  /**
   * Sends the message `build` makes (from the socket's mirror of the
   * document) carrying `token`. Editors: stored, relayed to the watcher, the
   * socket stays. Read-only roles: closed with 4403 after a `refused` notice,
   * stored rows byte-identical, and the watcher receives nothing before the
   * barrier.
   */
  async tryEdit(
    actor: MatrixActor,
    session: SignedIn | undefined,
    kind: string,
    build: (socket: RawCollabSocket, token: string) => Uint8Array,
  ): Promise<string> {
    if (!actor.docRole) return this.expectUpgradeRefused(actor, session);
    const token = `[${kind}-by-${actor.key}]`;
    const socket = await this.rawSocket(session);
    await socket.requestFullState();
    const before = this.storedDigest();
    const mark = this.barrier.mark();
    socket.send(build(socket, token));
    if (actor.docRole === 'pen-holder' || actor.docRole === 'drafter') {
      await waitFor(() => this.storedContent().includes(token), { what: `${token} stored` });
      const { updates } = await this.barrier.relayedSince(mark);
      expect(updates).toHaveLength(2); // the edit, then the barrier
      expect(contentOf(this.watcher.doc)).toContain(token);
      expect(socket.closeCode).toBeUndefined();
      return 'stored';
    }
    expect(await socket.closed).toBe(CloseCode.Forbidden);
    expect(noticesIn(socket.messages)).toContainEqual(
      expect.objectContaining({ kind: 'refused', closeCode: CloseCode.Forbidden }),
    );
    expect(this.storedDigest()).toBe(before);
    const { updates } = await this.barrier.relayedSince(mark);
    expect(updates).toHaveLength(1); // only the barrier
    expect(contentOf(this.watcher.doc)).not.toContain(token);
    expect(contentOf(this.editor.doc)).not.toContain(token);
    return String(CloseCode.Forbidden);
  }

  /** Waits until the server has handled everything `socket` sent: it answers a presence query (or closed). */
  async handled(socket: RawCollabSocket): Promise<void> {
    const before = socket.messages.length;
    socket.send(Uint8Array.from([3]));
    await waitFor(() => socket.closeCode !== undefined || socket.messages.length > before, {
      what: 'query answered',
    });
  }

  /** The presence `user` the server publishes for `userId`: from the session, never from the client. */
  presenceOf(userId: string) {
    const user = this.server.server.repositories.users.findById(userId);
    if (!user) throw new Error(`no user ${userId}`);
    const { participant } = user;
    return {
      userId,
      name: user.name,
      participantCode: participant.code,
      participantName: participant.name,
      color: participant.color,
    };
  }

  /** Admin-only REST actions: the admin gets `success`; anyone else 403 (401 signed out). */
  async adminOnly(
    actor: MatrixActor,
    session: SignedIn | undefined,
    method: string,
    path: string,
    body: unknown,
    success: number,
  ): Promise<ApiAnswer> {
    const answer = await api(this.server, method, path, { session, body });
    const expected = actor.admin ? success : actor.anonymous ? 401 : 403;
    expect(answer.status).toBe(expected);
    if (!actor.admin) {
      expect(answer.body).toMatchObject({ error: actor.anonymous ? 'unauthenticated' : 'forbidden' });
    }
    return answer;
  }
}
