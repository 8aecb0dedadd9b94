import { createHash } from 'node:crypto';
import { MessageType, type ServerNotice, SyncMessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { hashPassword } from '../../server/src/auth/passwords';
import { type CollabClient, clauseParagraphText, contentOf } from './collabClient';
import type { RawCollabSocket } from './rawCollab';
import type { SignedIn, TestServer } from './testServer';
import { waitFor } from './waitFor';

/** A JSON API answer: status, parsed body (or null), headers. */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test code inspects arbitrary JSON bodies
  body: any;
  headers: Headers;
}

export interface ApiOptions {
  session?: SignedIn;
  /** The `X-CSRF-Token` header: the session's token by default; `null` omits it. */
  csrf?: string | null;
  /** Replaces the whole Cookie header (e.g. a forged CSRF cookie). */
  cookie?: string;
  origin?: string;
  body?: unknown;
  /** A raw body string (sent as JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Calls the JSON API of `server` as `session` (with its CSRF token on state-changing requests). */
export async function api(
  server: TestServer,
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.cookie ?? options.session?.cookie;
  if (cookie) headers.cookie = cookie;
  const csrf = options.csrf === undefined ? options.session?.csrfToken : options.csrf;
  if (csrf !== null && csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
  if (options.origin) headers.origin = options.origin;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

/**
 * Creates a user directly in the repositories. With `participantCode` of an
 * existing participant the user belongs to it; otherwise a new participant
 * that takes part in no process is created, so the user has no role anywhere.
 */
export async function createUser(
  server: TestServer,
  user: { email: string; name: string; isAdmin?: boolean; participantCode?: string; newParticipant?: string },
  password = 'a-long-test-password-1',
): Promise<CreatedUser> {
  const { participants, users } = server.server.repositories;
  const participant = user.participantCode
    ? participants.findByCode(user.participantCode)
    : participants.create({
        code: user.newParticipant ?? `X${Math.floor(Math.random() * 1e6)}`,
        name: `Outside participant of ${user.name}`,
        kind: 'state',
        color: '#445566',
      });
  if (!participant) throw new Error(`no participant ${user.participantCode}`);
  const id = users.create({
    email: user.email,
    name: user.name,
    participantId: participant.id,
    passwordHash: await hashPassword(password),
    isAdmin: user.isAdmin ?? false,
  });
  return { id, email: user.email, name: user.name, password };
}

export function userIdOf(server: TestServer, email: string): string {
  const user = server.server.repositories.users.findByEmail(email);
  if (!user) throw new Error(`no user ${email}`);
  return user.profile.id;
}

/** A digest of a document's raw stored rows (compacted state and appended updates): byte-identical or not. */
export function storedRowsDigest(server: TestServer, documentId: string): string {
  const { db } = server.server;
  const hash = createHash('sha256');
  const state = db
    .prepare('SELECT state, last_update_id FROM document_states WHERE document_id = ?')
    .get(documentId) as { state: Buffer; last_update_id: number } | undefined;
  hash.update(`state:${state?.last_update_id}:`).update(state?.state ?? Buffer.alloc(0));
  const updates = db
    .prepare('SELECT id, update_bytes FROM document_updates WHERE document_id = ? ORDER BY id')
    .all(documentId) as { id: number; update_bytes: Buffer }[];
  for (const row of updates) hash.update(`|${row.id}:`).update(row.update_bytes);
  return hash.digest('hex');
}

/** `[Sync, Step2, update]`: what `doc` has beyond `stateVector`, built by y-protocols. */
export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** The entries of every awareness message among `messages` (frames a raw socket received), in order. */
export function awarenessEntries(messages: readonly Uint8Array[]): AwarenessEntry[] {
  const entries: AwarenessEntry[] = [];
  for (const message of messages) {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.Awareness) continue;
    const payload = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(payload);
    for (let i = 0; i < count; i++) {
      entries.push({
        clientId: decoding.readVarUint(payload),
        clock: decoding.readVarUint(payload),
        state: JSON.parse(decoding.readVarString(payload)) as AwarenessEntry['state'],
      });
    }
  }
  return entries;
}

/** The Draftroom notices (type 8) among `messages`. */
export function noticesIn(messages: readonly Uint8Array[]): ServerNotice[] {
  return messages.flatMap((message) => {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.Notice) return [];
    return [JSON.parse(decoding.readVarString(decoder)) as ServerNotice];
  });
}

/** True when `message` is a sync step 1 from the server (the first thing it sends on join). */
export function isSyncStep1(message: Uint8Array): boolean {
  const decoder = decoding.createDecoder(message);
  return (
    decoding.readVarUint(decoder) === MessageType.Sync &&
    decoding.readVarUint(decoder) === SyncMessageType.Step1
  );
}

/**
 * A positive barrier: a well-behaved editor types a fresh token, and we wait
 * until a raw watcher socket has received it. Everything the server relayed
 * before the barrier reached the watcher before it.
 */
export class EditBarrier {
  private count = 0;

  constructor(
    private readonly editor: CollabClient,
    private readonly watcher: RawCollabSocket,
  ) {}

  /** How many document updates the watcher received so far (a mark for `relayedSince`). */
  mark(): number {
    return this.watcher.syncUpdates.length;
  }

  /** Awareness messages received so far (a mark for `presenceSince`). */
  messageMark(): number {
    return this.watcher.messages.length;
  }

  async pass(): Promise<string> {
    const token = `[barrier-${++this.count}]`;
    clauseParagraphText(this.editor.doc, 0).insert(0, token);
    await waitFor(() => contentOf(this.watcher.doc).includes(token), { what: `barrier ${token}` });
    return token;
  }

  /** Passes a barrier and returns the document updates relayed since `mark` (the barrier's own included). */
  async relayedSince(mark: number): Promise<{ updates: Uint8Array[]; token: string }> {
    const token = await this.pass();
    return { updates: this.watcher.syncUpdates.slice(mark), token };
  }

  /** Passes a barrier and returns the presence entries the watcher received since `messageMark`. */
  async presenceSince(messageMark: number): Promise<AwarenessEntry[]> {
    await this.pass();
    return awarenessEntries(this.watcher.messages.slice(messageMark));
  }
}
