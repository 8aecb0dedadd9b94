/**
 * Draftroom's real editor (its TipTap extensions and the patched Yjs binding)
 * in Node, bound to a y-websocket provider on the real server: a DOM from
 * happy-dom for ProseMirror, while fetch, WebSocket and the rest stay Node's
 * (the test server's helpers need Node's fetch: happy-dom's applies the
 * browser's same-origin rules).
 */
import { Editor } from '@tiptap/core';
import { Window } from 'happy-dom';
import * as Y from 'yjs';
import { buildEditorExtensions } from '../../client/src/editor/extensions';
import { type CollabClient, connectClient } from './collabClient';
import { relayOnlyOwnPresence } from './ownPresence';
import { waitFor } from './waitFor';

/** Puts happy-dom's window globals that Node lacks (document, window, navigator, DOM classes) on globalThis; returns the undo. */
export function installDom(): () => void {
  const window = new Window({ url: 'http://localhost/' });
  const target = globalThis as Record<string, unknown>;
  const source = window as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(window)) {
    if (key in globalThis) continue;
    const value = source[key];
    // Methods of the window (getComputedStyle, requestAnimationFrame…) keep it as `this`; classes stay as they are.
    target[key] = typeof value === 'function' && !/^[A-Z]/.test(key) ? value.bind(window) : value;
    added.push(key);
  }
  target.window = window;
  added.push('window');
  return () => {
    for (const key of added) delete target[key];
    void window.happyDOM.close();
  };
}

export interface ProviderEditor {
  editor: Editor;
  client: CollabClient;
  destroy(): void;
}

/** The editor of a signed-in delegate (`cookie`) on `documentId`, synced with the server before it returns. */
export async function openProviderEditor(
  wsUrl: string,
  documentId: string,
  cookie: string,
): Promise<ProviderEditor> {
  const client = relayOnlyOwnPresence(connectClient(wsUrl, documentId, cookie, new Y.Doc()));
  await waitFor(() => client.provider.synced, { what: 'provider synced' });
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: buildEditorExtensions({ ydoc: client.doc }),
  });
  return {
    editor,
    client,
    destroy() {
      editor.destroy();
      client.destroy();
    },
  };
}
