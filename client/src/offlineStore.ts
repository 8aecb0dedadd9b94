/**
 * The browser-side (IndexedDB) copies of documents, kept so edits made
 * offline survive a reload and merge when the connection returns.
 * Deliberately free of Yjs imports so the sign-in and list pages stay small.
 */
import { forgetOfflineAnswers } from './offline/serviceWorker';

const OFFLINE_PREFIX = 'draftroom:';

/**
 * The IndexedDB database holding `userId`'s copy of a document. Kept per user:
 * changes typed by one person and not yet sent must never be loaded into
 * another person's editor on the same browser and sent under their name.
 */
export function offlineStoreName(documentId: string, userId: string): string {
  return `${OFFLINE_PREFIX}${userId}:${documentId}`;
}

/** Deletes one offline copy. Resolves once deleted (or when deletion is blocked by an open tab). */
export function deleteOfflineCopy(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

/**
 * Removes every offline document copy from this browser, and the answers the
 * service worker kept to open them offline. Called on sign-out so the next
 * person using the computer cannot read them.
 */
export async function clearOfflineCopies(): Promise<void> {
  await forgetOfflineAnswers();
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  try {
    const databases = await indexedDB.databases();
    const names = databases.flatMap((db) => (db.name?.startsWith(OFFLINE_PREFIX) ? [db.name] : []));
    await Promise.all(names.map(deleteOfflineCopy));
  } catch (error) {
    console.warn('Could not clear offline document copies', error);
  }
}
