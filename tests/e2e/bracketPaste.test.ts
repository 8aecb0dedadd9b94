/**
 * Copying, pasting and typing around brackets and clauses in Chromium never
 * meets the server's refusals (4400 for a bracket mark written by a client,
 * or two clauses with one id): a copied bracketed passage pastes as plain
 * words, a copied clause pastes with a new id (also while another delegate
 * types in the copied clause: both keep their text), typing inside and next
 * to a bracket and Enter inside one are accepted, the editor shows the
 * brackets the server stores, and the socket stays open throughout.
 *
 * The paste follows the click at once, before Chromium's `selectionchange`
 * for the click (20–60 ms later): the editor reads the caret from the page
 * before a paste (client/src/editor/domSelectionSync.ts), or the copy would
 * replace the clause still selected from the copy.
 */
import { BRACKET_MARK } from '@draftroom/shared';
import { readYSections } from '@draftroom/shared/yClauses';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readClauses } from '../../server/src/content/outline';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  clause,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { type ObservedSocket, observeCollabSockets, textWithoutCarets } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };
/** The demo's bracket (server/src/demo/negotiationSeed.ts): clause 5.2. */
const DEMO_BRACKET = 'br-5eed0001';
const BRACKETED = 'and encourage their productive investment';

/**
 * Selects in the page's editor (TipTap puts itself on its `.ProseMirror`
 * element): `clause` — the clause with that number as a node; `afterBracket`
 * — the caret just after the passage of that bracket; `inBracket` — the caret
 * after `words` inside it. The copy and paste that follow are real key presses.
 */
async function selectInEditor(
  page: Page,
  what: { clause: string } | { afterBracket: string } | { inBracket: string; words: string },
): Promise<void> {
  await page.evaluate((target) => {
    type PMNode = {
      attrs: Record<string, unknown>;
      isText: boolean;
      text?: string;
      nodeSize: number;
      marks: { type: { name: string }; attrs: Record<string, unknown> }[];
    };
    const editor = (
      document.querySelector('.ProseMirror') as unknown as {
        editor: {
          state: { doc: { descendants(f: (node: PMNode, pos: number) => boolean | undefined): void } };
          commands: {
            focus(): void;
            setNodeSelection(pos: number): void;
            setTextSelection(pos: number): void;
          };
        };
      }
    ).editor;
    const doc = editor.state.doc;
    editor.commands.focus();
    if ('clause' in target) {
      const id = document.querySelector(`[data-number="${target.clause}"]`)?.getAttribute('data-clause-id');
      let at = -1;
      doc.descendants((node, pos) => {
        if (at < 0 && node.attrs.id === id) at = pos;
        return at < 0;
      });
      editor.commands.setNodeSelection(at);
      return;
    }
    const bracketId = 'afterBracket' in target ? target.afterBracket : target.inBracket;
    let at = -1;
    doc.descendants((node, pos) => {
      const inBracket =
        node.isText && node.marks.some((mark) => mark.type.name === 'bracket' && mark.attrs.id === bracketId);
      if (!inBracket) return true;
      if ('afterBracket' in target) at = pos + node.nodeSize;
      else if (at < 0 && (node.text ?? '').includes(target.words))
        at = pos + (node.text ?? '').indexOf(target.words) + target.words.length;
      return true;
    });
    editor.commands.setTextSelection(at);
  }, what);
}

/** The ids of the clauses in the page, in order. */
function pageClauseIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-type="clause"]')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-clause-id') ?? ''));
}

/** The clauses in the page, in order: id and the text of the first paragraph. */
function pageClauses(page: Page): Promise<{ id: string; text: string }[]> {
  return page.locator('[data-type="clause"]').evaluateAll((elements) =>
    elements.map((element) => {
      const paragraph = element.querySelector('p')?.cloneNode(true) as Element | undefined;
      for (const caret of Array.from(paragraph?.querySelectorAll('.collaboration-carets__caret') ?? []))
        caret.remove();
      return { id: element.getAttribute('data-clause-id') ?? '', text: paragraph?.textContent ?? '' };
    }),
  );
}

describe('copy and paste around brackets and clauses in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let laszlo: UserPage; // Hungarian delegate, drafter
  let anna: UserPage; // Polish presidency, watching
  let sockets: ObservedSocket[];
  let annaSockets: ObservedSocket[];

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR, seedDemoNegotiation: true });
    browser = await launchChromium();
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    await laszlo.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    sockets = observeCollabSockets(laszlo.page);
    annaSockets = observeCollabSockets(anna.page);
    for (const { page } of [laszlo, anna]) await openDocument(page, TITLE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  function stored<T>(read: (doc: Y.Doc) => T): T {
    const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  /** The words of the stored document that carry `bracketId`. */
  function storedBracket(bracketId: string): string {
    return stored((doc) => {
      let words = '';
      const visit = (node: Y.XmlElement | Y.XmlFragment) => {
        for (const child of node.toArray()) {
          if (child instanceof Y.XmlText) {
            for (const op of child.toDelta() as {
              insert: unknown;
              attributes?: Record<string, { id?: string }>;
            }[]) {
              if (op.attributes?.[BRACKET_MARK]?.id === bracketId && typeof op.insert === 'string')
                words += op.insert;
            }
          } else if (child instanceof Y.XmlElement) visit(child);
        }
      };
      visit(doc.getXmlFragment('content'));
      return words;
    });
  }

  /** The stored plain text of clause `number`. */
  function storedClauseText(number: string): string {
    return stored((doc) => readClauses(doc).find((clause) => clause.number === number)?.text ?? '');
  }

  /** The page's collaboration socket is the one it had (`count` so far) and still open: nothing it sent was refused. */
  function expectConnected(count: number): void {
    expect(sockets).toHaveLength(count);
    expect(sockets.at(-1)?.closed).toBe(false);
  }

  it('pastes a copied bracketed passage as plain words, and types inside and next to the bracket', async () => {
    const { page } = laszlo;
    const socketsBefore = sockets.length;
    const bracket = clause(page, '5.2').locator('.draft-bracket');
    await bracket.selectText();
    await page.keyboard.press('Control+C');
    await placeCaretAtEndOf(page, '2.1');
    await page.keyboard.type(' Copied: ');
    await page.keyboard.press('Control+V');

    await expect
      .poll(() => textWithoutCarets(clause(anna.page, '2.1').locator('p').first()), LIVE)
      .toContain(` Copied: ${BRACKETED}`);
    expect(await clause(page, '2.1').locator('.draft-bracket').count()).toBe(0);
    expect(await clause(anna.page, '2.1').locator('.draft-bracket').count()).toBe(0);
    await expect.poll(() => storedClauseText('2.1'), LIVE).toContain(` Copied: ${BRACKETED}`);
    expect(storedBracket(DEMO_BRACKET)).toBe(BRACKETED);

    // Right after the bracket (outside it), then inside it: both accepted.
    await selectInEditor(page, { afterBracket: DEMO_BRACKET });
    await page.keyboard.type(' [HU]');
    await expect.poll(() => storedClauseText('5.2'), LIVE).toContain(`${BRACKETED} [HU],`);
    expect(storedBracket(DEMO_BRACKET)).toBe(BRACKETED);
    await selectInEditor(page, { inBracket: DEMO_BRACKET, words: 'productive' });
    await page.keyboard.type('ly');
    await expect
      .poll(() => storedBracket(DEMO_BRACKET), LIVE)
      .toBe(BRACKETED.replace('productive', 'productively'));
    await expect
      .poll(() => textWithoutCarets(clause(anna.page, '5.2').locator('.draft-bracket')), LIVE)
      .toBe(BRACKETED.replace('productive', 'productively'));
    expectConnected(socketsBefore);
  });

  it('Enter inside a bracketed passage: the words moved to the new paragraph leave the bracket, typing goes on there', async () => {
    const { page } = laszlo;
    const socketsBefore = sockets.length;
    const passage = await textWithoutCarets(clause(page, '5.2').locator('.draft-bracket'));
    const [head, tail] = [
      passage.slice(0, passage.indexOf(' their')),
      passage.slice(passage.indexOf(' their')),
    ];
    await selectInEditor(page, { inBracket: DEMO_BRACKET, words: 'encourage' });
    await page.keyboard.press('Enter');
    await page.keyboard.type('X');

    // The longer part stays in place with the bracket; the editor shows what the server stores.
    await expect.poll(() => storedBracket(DEMO_BRACKET), LIVE).toBe(tail);
    await expect.poll(() => storedClauseText('5.2'), LIVE).toContain(`${head}\nX${tail}`);
    for (const { page: seen } of [laszlo, anna]) {
      await expect
        .poll(() => textWithoutCarets(clause(seen, '5.2').locator('.draft-bracket')), LIVE)
        .toBe(tail);
      // The opening bracket is drawn before the passage: "X[ their …".
      await expect
        .poll(() => textWithoutCarets(clause(seen, '5.2').locator('p').nth(1)), LIVE)
        .toMatch(new RegExp(`^X\\[${tail}`));
    }
    expectConnected(socketsBefore);
  });

  it('pastes a copied clause with a new id; every clause keeps its own', async () => {
    const { page } = laszlo;
    const socketsBefore = sockets.length;
    const idsBefore = await pageClauseIds(page);
    const copiedId = (await clause(page, '3.2').getAttribute('data-clause-id')) ?? '';
    const copiedText = await textWithoutCarets(clause(page, '3.2').locator('p').first());
    await selectInEditor(page, { clause: '3.2' });
    await page.keyboard.press('Control+C');
    await placeCaretAtEndOf(page, '4.1');
    await page.keyboard.press('Control+V');

    await expect.poll(async () => (await pageClauseIds(page)).length, LIVE).toBeGreaterThan(idsBefore.length);
    const idsAfter = await pageClauseIds(page);
    expect(new Set(idsAfter).size).toBe(idsAfter.length);
    for (const id of idsBefore) expect(idsAfter).toContain(id);
    expect(await clause(page, '3.2').getAttribute('data-clause-id')).toBe(copiedId);
    const copies = await page
      .locator('[data-type="clause"]')
      .filter({ hasText: copiedText.slice(0, 40) })
      .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-clause-id')));
    expect(copies).toHaveLength(2);
    expect(copies[0]).toBe(copiedId);
    expect(copies[1]).not.toBe(copiedId);

    // The server stored the same clauses, with distinct ids, and the other delegate sees them.
    await expect
      .poll(
        () => stored((doc) => readYSections(doc).flatMap((section) => section.clauses.map((c) => c.id))),
        LIVE,
      )
      .toEqual(idsAfter);
    await expect.poll(() => pageClauseIds(anna.page), LIVE).toEqual(idsAfter);
    expectConnected(socketsBefore);
  });

  it('pastes a copied clause into another while the other delegate types in the copied one: both keep their text', async () => {
    const socketsBefore = sockets.length;
    const annaSocketsBefore = annaSockets.length;
    const idsBefore = await pageClauseIds(laszlo.page);
    const sourceId = (await clause(laszlo.page, '3.1').getAttribute('data-clause-id')) ?? '';
    const targetId = (await clause(laszlo.page, '2.2').getAttribute('data-clause-id')) ?? '';
    const sourceText = await textWithoutCarets(clause(laszlo.page, '3.1').locator('p').first());
    const typed = ' Anna adds these words to the clause while Laszlo pastes a copy of it elsewhere.';
    await selectInEditor(laszlo.page, { clause: '3.1' });
    await laszlo.page.keyboard.press('Control+C');
    await placeCaretAtEndOf(anna.page, '3.1');
    await placeCaretAtEndOf(laszlo.page, '2.2');

    // Laszlo pastes once he sees Anna's first words, while she goes on typing.
    const typing = anna.page.keyboard.type(typed, { delay: 30 });
    const sourceParagraph = clause(laszlo.page, '3.1').locator('p').first();
    await expect.poll(() => textWithoutCarets(sourceParagraph), LIVE).toContain(typed.slice(0, 5));
    await laszlo.page.keyboard.press('Control+V');
    const seenAtPaste = await textWithoutCarets(sourceParagraph);
    await typing;
    expect(seenAtPaste).not.toContain(typed);

    // Right after 2.2: the copy as it was copied, with a new id; every word Anna typed is in the clause she typed in.
    const expected = (() => {
      const ids = [...idsBefore];
      ids.splice(ids.indexOf(targetId) + 1, 0, 'copy');
      return ids;
    })();
    const inOrder = (clauses: { id: string; text: string }[]) =>
      clauses.map(({ id, text }) =>
        id === sourceId
          ? text
          : idsBefore.includes(id)
            ? id
            : text === sourceText
              ? 'copy'
              : `unexpected ${text}`,
      );
    const withSource = expected.map((id) => (id === sourceId ? `${sourceText}${typed}` : id));
    for (const { page } of [laszlo, anna]) {
      await expect.poll(async () => inOrder(await pageClauses(page)), LIVE).toEqual(withSource);
    }
    await expect.poll(() => stored((doc) => inOrder(readClauses(doc))), LIVE).toEqual(withSource);
    const storedIds = stored((doc) => readClauses(doc).map((c) => c.id));
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(storedIds).toEqual(await pageClauseIds(laszlo.page));
    expectConnected(socketsBefore);
    expect(annaSockets).toHaveLength(annaSocketsBefore);
    expect(annaSockets.at(-1)?.closed).toBe(false);
  });
});
