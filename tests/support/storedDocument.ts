/**
 * Reads what a (stopped or killed) server left in its SQLite file: a
 * document's state loaded exactly as the server loads it, and the file's
 * integrity check. Opens the file read-only, so reading changes nothing.
 */
import { createRequire } from 'node:module';
import * as Y from 'yjs';
import type { SqliteDatabase } from '../../server/src/store/database';
import { SqliteDocumentStorage } from '../../server/src/store/sqliteDocumentStorage';
import { modelTextString } from './modelText';

type DatabaseConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => SqliteDatabase;

/** better-sqlite3 is the server's dependency: load it as the server does. */
export const Database = createRequire(new URL('../../server/package.json', import.meta.url))(
  'better-sqlite3',
) as DatabaseConstructor;

export interface StoredDocument {
  doc: Y.Doc;
  /** `PRAGMA integrity_check`: `ok` when the file is sound. */
  integrity: string;
}

export function readStoredDocument(databaseFile: string, documentId: string): StoredDocument {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join('; ');
    const stored = new SqliteDocumentStorage(db).load(documentId);
    const doc = new Y.Doc();
    doc.transact(() => {
      if (stored.state) Y.applyUpdate(doc, stored.state);
      for (const update of stored.updates) Y.applyUpdate(doc, update);
    });
    return { doc, integrity };
  } finally {
    db.close();
  }
}

/** The text the durability tests type into (`modelText`) in the stored document, and the integrity check. */
export function readStoredText(
  databaseFile: string,
  documentId: string,
): { text: string; integrity: string } {
  const { doc, integrity } = readStoredDocument(databaseFile, documentId);
  const text = modelTextString(doc);
  doc.destroy();
  return { text, integrity };
}
