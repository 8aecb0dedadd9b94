import { CloseCode } from '@draftroom/shared';
import * as random from 'lib0/random';
import * as Y from 'yjs';
import { CollabRefusal } from '../errors';
import { decodeTypingUpdate } from './typingUpdateDecoder';
import type { UpdateIndex } from './updateIndex';

/**
 * The owner recorded for the Yjs client ids the server writes its own changes
 * under (restoring a version, accepting an amendment, bracketing): no client
 * may write under them. User ids are UUIDs, so no user is called this.
 */
export const SERVER_CLIENT_OWNER = 'server';

/**
 * The owner recorded, when document_client_ids was created, for the client
 * ids of content stored before it whose author nobody knows any more (folded
 * into a compacted state). The first person who writes new content under such
 * an id after the upgrade takes it: a page open across the upgrade, or changes
 * kept offline in a browser, continue their old id, and refusing them would
 * leave that browser unable to send them, ever (README: Limits).
 */
export const UNKNOWN_CLIENT_OWNER = 'unknown';

/**
 * Yjs client ids one user may write under in one document. A browser takes a
 * new id each time it opens the document (a page load, a tab), so 10,000 is
 * years of honest use; past it the update is refused (4400), so a connection
 * inventing a new id per update cannot grow the table without bound.
 */
export const MAX_CLIENT_IDS_PER_USER = 10_000;

/** Client id → owner (a user id, SERVER_CLIENT_OWNER or UNKNOWN_CLIENT_OWNER). */
export type ClientIdClaims = ReadonlyMap<number, string>;

/**
 * The Yjs client ids of an update that carry new content: the clients of its
 * items and GC structs that reach past what the document holds (`index.known`).
 * Skips and deletions name no author; re-sent known structs add nothing. Cost:
 * at most one pass over the update's structs (grouped per client by the index).
 */
export function newContentClients(index: UpdateIndex): number[] {
  const clients: number[] = [];
  for (const [client, structs] of index.byClient) {
    const known = index.known.get(client) ?? 0;
    for (const struct of structs) {
      if (struct instanceof Y.Skip || struct.id.clock + struct.length <= known) continue;
      clients.push(client);
      break;
    }
  }
  return clients;
}

/**
 * Which person owns each Yjs client id that has content in one document (the
 * room's copy of document_client_ids, loaded with the document): an id belongs
 * to whoever first wrote content under it, and nobody else may write under it.
 * Ids claimed since the last commit are kept aside (`unstored`) and written in
 * the same commit as the updates that use them (`store`).
 */
export class ClientIdOwners {
  private readonly owners = new Map<number, string>();
  /** How many ids each owner holds. */
  private readonly counts = new Map<string, number>();
  /** Ids claimed since the last commit, with their owners. */
  private unstored = new Map<number, string>();
  /** The room's Y.Doc: its own client id is the server's. */
  private doc: Y.Doc | undefined;

  /** @param maxPerUser ids one user may own in the document (default MAX_CLIENT_IDS_PER_USER). */
  constructor(private readonly maxPerUser = MAX_CLIENT_IDS_PER_USER) {}

  /**
   * After the room (re)loaded its document: the stored owners (read after the
   * document's state, so they cover all of it), plus this room's claims not
   * stored yet — a reload that replays the turn's earlier changes keeps their
   * claims. The room's Y.Doc is moved off any client id someone owns or that
   * has content, so the server never writes under another's id.
   */
  loaded(stored: ClientIdClaims, doc: Y.Doc): void {
    const unstored = this.unstored;
    this.owners.clear();
    this.counts.clear();
    this.unstored = new Map();
    for (const [clientId, owner] of stored) this.set(clientId, owner);
    for (const [clientId, owner] of unstored) {
      const current = this.owners.get(clientId);
      if (current !== undefined && current !== UNKNOWN_CLIENT_OWNER) continue;
      this.set(clientId, owner);
      this.unstored.set(clientId, owner);
    }
    this.doc = doc;
    this.keepServerIdOwn();
  }

  /**
   * Takes owners recorded since the room loaded — by another instance, whose
   * commits this room applies without their claims: a stored owner replaces
   * none or UNKNOWN_CLIENT_OWNER, never another owner.
   */
  merge(stored: ClientIdClaims): void {
    for (const [clientId, owner] of stored) {
      const current = this.owners.get(clientId);
      if (current === undefined || (current === UNKNOWN_CLIENT_OWNER && owner !== current)) {
        this.set(clientId, owner);
      }
    }
    this.keepServerIdOwn();
  }

  /** The owner of `clientId`, if anyone owns it. */
  ownerOf(clientId: number): string | undefined {
    return this.owners.get(clientId);
  }

  /**
   * Checks that `userId` may write new content under each of `clients` and
   * returns those that would become theirs (unowned, or owned by
   * UNKNOWN_CLIENT_OWNER). Throws CollabRefusal 4400 (MalformedMessage) when
   * one is another person's or the server's, or when the new ones would take
   * the user past `maxPerUser`. Cost: one Map lookup per client.
   */
  check(clients: readonly number[], userId: string): number[] {
    let fresh: number[] | undefined;
    for (const clientId of clients) {
      const owner = this.owners.get(clientId);
      if (owner === userId) continue;
      if (owner === SERVER_CLIENT_OWNER) {
        throw refusal(`Yjs client id ${clientId} is the server's own: no one else may write under it`);
      }
      if (owner !== undefined && owner !== UNKNOWN_CLIENT_OWNER) {
        throw refusal(`Yjs client id ${clientId} belongs to another person: write under your own`);
      }
      fresh ??= [];
      fresh.push(clientId);
    }
    if (!fresh) return [];
    const held = this.counts.get(userId) ?? 0;
    if (held + fresh.length > this.maxPerUser) {
      throw refusal(
        `too many Yjs client ids of one person in this document (${held} held, at most ${this.maxPerUser}): reload the page`,
      );
    }
    return fresh;
  }

  /** Records `clientIds` as `owner`'s (after their content was accepted), to be stored with the next commit. */
  claim(clientIds: readonly number[], owner: string): void {
    if (clientIds.length === 0) return;
    for (const clientId of clientIds) {
      if (this.owners.get(clientId) === owner) continue;
      this.set(clientId, owner);
      this.unstored.set(clientId, owner);
    }
    if (owner !== SERVER_CLIENT_OWNER) this.keepServerIdOwn();
  }

  /** Records the room's Y.Doc client id as the server's (a server change was made under it). */
  claimServerId(): void {
    if (this.doc) this.claim([this.doc.clientID], SERVER_CLIENT_OWNER);
  }

  /**
   * Runs a commit of the room's changes with the claims not stored yet
   * (`write` stores them in the same transaction; undefined when there are
   * none). Once `write` is called they count as stored: if the commit fails,
   * the room reloads and `loaded` reads the owners back from storage.
   */
  store<T>(write: (claims: ClientIdClaims | undefined) => T): T {
    const claims = this.unstored;
    this.unstored = new Map();
    return write(claims.size > 0 ? claims : undefined);
  }

  private set(clientId: number, owner: string): void {
    const previous = this.owners.get(clientId);
    if (previous !== undefined) this.counts.set(previous, (this.counts.get(previous) ?? 1) - 1);
    this.owners.set(clientId, owner);
    this.counts.set(owner, (this.counts.get(owner) ?? 0) + 1);
  }

  /**
   * Gives the room's Y.Doc a fresh client id when its current one is owned by
   * someone other than the server, or has content nobody recorded. (Yjs
   * itself moves a document off its id when a remote update writes under it;
   * the new random id could, very rarely, be one already in use.)
   */
  private keepServerIdOwn(): void {
    const doc = this.doc;
    if (!doc) return;
    const taken = (clientId: number) => {
      const owner = this.owners.get(clientId);
      return owner === undefined ? Y.getState(doc.store, clientId) > 0 : owner !== SERVER_CLIENT_OWNER;
    };
    while (taken(doc.clientID)) doc.clientID = random.uint32();
  }
}

function refusal(message: string): CollabRefusal {
  return new CollabRefusal(CloseCode.MalformedMessage, message);
}

/**
 * The client ids of the content a stored update carries (items and GC
 * structs; not skips, not deletions), for records made outside a room: a new
 * document's initial state, the backfill of document_client_ids. Throws
 * Yjs's own decoding error when the bytes are not a Yjs update.
 */
export function contentClientIdsOf(update: Uint8Array): Set<number> {
  const clients = new Set<number>();
  for (const struct of (decodeTypingUpdate(update) ?? Y.decodeUpdate(update)).structs) {
    if (!(struct instanceof Y.Skip)) clients.add(struct.id.client);
  }
  return clients;
}
