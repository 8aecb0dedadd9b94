/**
 * Helpers for the tests of Yjs client id ownership (document_client_ids): who
 * owns what, what is stored, and hand-made updates written under chosen ids.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { type HandmadeClientStructs, handmadeUpdate } from './handmadeUpdate';
import type { TestServer } from './testServer';

/** The owners of a document's client ids, as stored. */
export function storedOwners(server: TestServer, documentId: string): Map<number, string> {
  const rows = server.server.db
    .prepare<[string], { client_id: number; user_id: string }>(
      'SELECT client_id, user_id FROM document_client_ids WHERE document_id = ?',
    )
    .all(documentId);
  return new Map(rows.map((row) => [row.client_id, row.user_id]));
}

/** How many client ids `userId` owns in the document. */
export function ownedCount(server: TestServer, documentId: string, userId: string): number {
  return (
    server.server.db
      .prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM document_client_ids WHERE document_id = ? AND user_id = ?',
      )
      .get(documentId, userId)?.n ?? 0
  );
}

/** A digest of everything stored for the document's text: state, appended updates and client id owners. */
export function storedDigest(server: TestServer, documentId: string): string {
  const stored = server.server.repositories.documentStorage.load(documentId);
  const hash = createHash('sha256');
  if (stored.state) hash.update(stored.state);
  for (const update of stored.updates) hash.update(update);
  const owners = [...storedOwners(server, documentId)].sort((a, b) => a[0] - b[0]);
  hash.update(JSON.stringify(owners));
  return `${stored.lastUpdateId}:${hash.digest('hex')}`;
}

/** The id of the last unit of a text (its last item's last clock), to write after it. */
export function lastUnitOf(text: Y.XmlText): Y.ID {
  let item = (text as unknown as { _start: Y.Item | null })._start;
  if (!item) throw new Error('empty text');
  while (item.right) item = item.right;
  return Y.createID(item.id.client, item.id.clock + item.length - 1);
}

/** One new character `char` under `client` at `clock`, right after `origin`. */
export function characterAt(client: number, clock: number, origin: Y.ID, char = 'x'): Uint8Array {
  return handmadeUpdate([{ client, clock, structs: [{ content: { string: char }, origin }] }]);
}

/**
 * One character under each of `clients` (each at clock 0), chained: the first
 * right after `after`, each next one right after the one before (so Yjs
 * places each without scanning). Returns the update and the id of its last
 * character.
 */
export function chainedCharacters(
  clients: readonly number[],
  after: Y.ID,
): { update: Uint8Array; last: Y.ID } {
  let origin = after;
  const sections: HandmadeClientStructs[] = [];
  for (const client of clients) {
    sections.push({ client, clock: 0, structs: [{ content: { string: 'x' }, origin }] });
    origin = Y.createID(client, 0);
  }
  return { update: handmadeUpdate(sections), last: origin };
}
