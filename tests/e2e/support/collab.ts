/**
 * What the browser tests observe around the collaboration socket: every
 * WebSocket a page opens (and the largest frame it sent), real clipboard
 * pastes, and the document as the server stored it.
 */
import { join } from 'node:path';
import { CONTENT_FIELD } from '@draftroom/shared';
import type { Locator, Page } from 'playwright-core';
import { readStoredDocument } from '../../support/storedDocument';
import type { TestServer } from '../../support/testServer';

export interface ObservedSocket {
  url: string;
  /** Bytes of the largest frame the page sent on it. */
  largestFrameSent: number;
  closed: boolean;
}

/** Records every collaboration socket `page` opens from now on. */
export function observeCollabSockets(page: Page): ObservedSocket[] {
  const sockets: ObservedSocket[] = [];
  page.on('websocket', (socket) => {
    if (!socket.url().includes('/collab/')) return;
    const observed: ObservedSocket = { url: socket.url(), largestFrameSent: 0, closed: false };
    sockets.push(observed);
    socket.on('framesent', ({ payload }) => {
      const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
      observed.largestFrameSent = Math.max(observed.largestFrameSent, bytes);
    });
    socket.on('close', () => {
      observed.closed = true;
    });
  });
  return sockets;
}

/** Puts `text` on the clipboard and pastes it with Ctrl+V where the caret is (a real paste event). */
export async function pasteFromClipboard(page: Page, baseUrl: string, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.keyboard.press('Control+V');
}

/** The Action Plan's content as the server stored it (SQLite), as XML text. */
export function storedContent(server: TestServer): string {
  const { doc } = readStoredDocument(join(server.dataDir, 'draftroom.db'), server.actionPlanId());
  try {
    return doc.getXmlFragment(CONTENT_FIELD).toString();
  } finally {
    doc.destroy();
  }
}

/** How many times `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** A plain text of about `bytes` bytes in paragraphs, each line carrying `marker`. */
export function longText(marker: string, bytes: number): string {
  const line = `${marker} ${'annex text of a long report pasted from another file. '.repeat(18)}\n`;
  return line.repeat(Math.ceil(bytes / line.length));
}

/** The text of an element without other people's carets (their name labels are part of the page). */
export function textWithoutCarets(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const copy = element.cloneNode(true) as Element;
    for (const caret of Array.from(copy.querySelectorAll('.collaboration-carets__caret'))) caret.remove();
    return copy.textContent ?? '';
  });
}

/** The editor's text without other people's carets. */
export function editorText(page: Page): Promise<string> {
  return textWithoutCarets(page.getByTestId('editor'));
}
