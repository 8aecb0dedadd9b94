/**
 * Issue 10: delegates typing at the same time in the same clause must each get
 * exactly the words they typed. Every case runs in real Chromium with separate
 * signed-in contexts typing concurrently at a human pace (60–110 ms between
 * keys), and asserts the exact final text in every context and after a reload.
 * Each case uses its own clause; expected texts are computed from the clause's
 * text as all contexts show it before the case starts.
 */
import { setTimeout as pause } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { seededRandom } from '../support/tokenTypist';
import { launchChromium, openDocument, signInAs, type UserPage } from './support/browser';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
/** How long the contexts get to agree after the typing ends (a loaded 2-core machine is slow). */
const SETTLE_MS = 20_000;

interface Delegate extends UserPage {
  /** The name on this delegate's remote caret label, e.g. "Anna Nowak". */
  name: string;
}

// ---------------------------------------------------------------------------
// In-page helpers, installed into every page (and re-installed on reload).
// ---------------------------------------------------------------------------

interface CaretInfo {
  /** How many carets with this name the page shows. */
  count: number;
  clauseId: string | null;
  block: number;
  /** The paragraph's text before the caret widget. */
  before: string;
}

interface SelectionInfo {
  anchor: number;
  head: number;
  /** The text the ProseMirror selection covers. */
  text: string;
  /** The text the DOM selection covers, without caret labels and other widgets. */
  domText: string;
  /** The clause the selection starts in. */
  clauseId: string | null;
}

interface PageHelpers {
  clauseIdOf(number: string): string | null;
  /** The paragraph texts of the clause with this id and of the `count - 1` clauses after it (in document order). */
  clauseRun(id: string, count: number): string[][] | null;
  /** Puts the selection on characters `from`–`to` of a clause's paragraph; true once ProseMirror has it. */
  select(id: string, block: number, from: number, to: number): boolean;
  selection(): SelectionInfo;
  caretOf(name: string): CaretInfo;
}

declare global {
  interface Window {
    __sameClause?: PageHelpers;
  }
}

/** Runs in the page: serialised by Playwright, so it must not use anything from this module. */
function installPageHelpers(): void {
  interface EditorView {
    dom: HTMLElement;
    state: {
      selection: { anchor: number; head: number; from: number; to: number };
      doc: { textBetween(from: number, to: number, separator: string): string };
    };
    posAtDOM(node: Node, offset: number): number;
  }
  const CARET = 'collaboration-carets__caret';
  const view = (): EditorView => {
    const dom = document.getElementById('draft-editor') as
      | (HTMLElement & { editor?: { view: EditorView } })
      | null;
    if (!dom?.editor) throw new Error('the editor is not mounted');
    return dom.editor.view;
  };
  /** Text inside other people's carets (their name labels) and other widgets is not document text. */
  const inWidget = (node: Node, root: Element): boolean => {
    for (let el = node.parentElement; el && el !== root; el = el.parentElement) {
      if (el.classList.contains(CARET) || el.getAttribute('contenteditable') === 'false') return true;
    }
    return false;
  };
  const textNodes = (root: Element): Text[] => {
    const nodes: Text[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!inWidget(node, root)) nodes.push(node as Text);
    }
    return nodes;
  };
  const clauseEl = (id: string): Element | null =>
    document.querySelector(`#draft-editor [data-type="clause"][data-clause-id="${id}"]`);
  const blocks = (clause: Element): Element[] =>
    Array.from(clause.children).filter((el) => el.tagName === 'P');
  const blockText = (block: Element): string =>
    textNodes(block)
      .map((node) => node.data)
      .join('');
  const point = (block: Element, offset: number): [Node, number] => {
    let rest = offset;
    const nodes = textNodes(block);
    for (const node of nodes) {
      if (rest <= node.data.length) return [node, rest];
      rest -= node.data.length;
    }
    if (rest === 0) return [block, 0];
    throw new Error(`offset ${offset} is beyond the paragraph "${blockText(block)}"`);
  };
  const domSelectionText = (): string => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0) return '';
    const holder = document.createElement('div');
    holder.append(selection.getRangeAt(0).cloneContents());
    for (const widget of Array.from(holder.querySelectorAll(`.${CARET}, [contenteditable="false"]`)))
      widget.remove();
    return holder.textContent ?? '';
  };

  const helpers: PageHelpers = {
    clauseIdOf: (number) =>
      document
        .querySelector(`#draft-editor [data-type="clause"][data-number="${number}"]`)
        ?.getAttribute('data-clause-id') ?? null,
    clauseRun: (id, count) => {
      const clauses = Array.from(document.querySelectorAll('#draft-editor [data-type="clause"]'));
      const start = clauses.findIndex((el) => el.getAttribute('data-clause-id') === id);
      const run = start < 0 ? [] : clauses.slice(start, start + count);
      return run.length === count ? run.map((el) => blocks(el).map(blockText)) : null;
    },
    select: (id, blockIndex, from, to) => {
      const clause = clauseEl(id);
      const block = clause ? blocks(clause)[blockIndex] : undefined;
      if (!block) throw new Error(`no paragraph ${blockIndex} in clause ${id}`);
      const editor = view();
      const base = editor.posAtDOM(block, 0);
      const { anchor, head } = editor.state.selection;
      const dom = document.getSelection();
      const domAgrees =
        !!dom?.anchorNode &&
        !!dom.focusNode &&
        editor.dom.contains(dom.anchorNode) &&
        editor.posAtDOM(dom.anchorNode, dom.anchorOffset) === base + from &&
        editor.posAtDOM(dom.focusNode, dom.focusOffset) === base + to;
      if (anchor === base + from && head === base + to && document.activeElement === editor.dom && domAgrees)
        return true;
      if (document.activeElement !== editor.dom) editor.dom.focus();
      const [anchorNode, anchorOffset] = point(block, from);
      const [focusNode, focusOffset] = point(block, to);
      document.getSelection()?.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
      return false;
    },
    selection: () => {
      const editor = view();
      const { anchor, head, from, to } = editor.state.selection;
      const dom = document.getSelection();
      const start = dom?.rangeCount ? dom.getRangeAt(0).startContainer : null;
      const clause = start ? (start instanceof Element ? start : start.parentElement) : null;
      return {
        anchor,
        head,
        text: editor.state.doc.textBetween(from, to, '\n'),
        domText: domSelectionText(),
        clauseId: clause?.closest('[data-type="clause"]')?.getAttribute('data-clause-id') ?? null,
      };
    },
    caretOf: (name) => {
      const carets = Array.from(document.querySelectorAll(`#draft-editor .${CARET}`)).filter((caret) =>
        caret.textContent?.includes(name),
      );
      const caret = carets[0];
      const block = caret?.closest('p');
      const clause = block?.closest('[data-type="clause"]') ?? null;
      if (!caret || !block || !clause) return { count: carets.length, clauseId: null, block: -1, before: '' };
      const before = textNodes(block)
        .filter((node) => caret.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING)
        .map((node) => node.data)
        .join('');
      return {
        count: carets.length,
        clauseId: clause.getAttribute('data-clause-id'),
        block: blocks(clause).indexOf(block),
        before,
      };
    },
  };
  window.__sameClause = helpers;
}

// ---------------------------------------------------------------------------
// Test-side helpers.
// ---------------------------------------------------------------------------

async function openAs(browser: Browser, baseUrl: string, email: string, name: string): Promise<Delegate> {
  const user = await signInAs(browser, baseUrl, email);
  await user.context.addInitScript(installPageHelpers);
  await openDocument(user.page, TITLE);
  await user.page.evaluate(installPageHelpers);
  return { ...user, name };
}

/** Reloads a context's page and waits until its editor is connected again. */
async function reload(user: Delegate): Promise<void> {
  await user.page.reload();
  await user.page.getByTestId('editor').waitFor();
  await user.page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor();
}

async function clauseIdOf(page: Page, number: string): Promise<string> {
  const id = await page.evaluate((n) => {
    const installed = window.__sameClause;
    if (!installed) throw new Error('page helpers missing');
    return installed.clauseIdOf(n);
  }, number);
  if (!id) throw new Error(`no clause ${number}`);
  return id;
}

/**
 * The text of a clause (paragraphs joined by "\n"), or of a run of consecutive
 * clauses (clauses joined by "\n§\n"), as the page shows it; null when absent.
 */
async function readRun(page: Page, id: string, count = 1): Promise<string | null> {
  const run = await page.evaluate(
    ([clauseId, n]) => {
      const installed = window.__sameClause;
      if (!installed) throw new Error('page helpers missing');
      return installed.clauseRun(clauseId, n);
    },
    [id, count] as const,
  );
  return run ? run.map((paragraphs) => paragraphs.join('\n')).join('\n§\n') : null;
}

/** Waits (with a deadline) until every context shows the same text, and returns it. */
async function converged(users: Delegate[], read: (page: Page) => Promise<string | null>): Promise<string> {
  let last: (string | null)[] = [];
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    last = await Promise.all(users.map((user) => read(user.page).catch(() => null)));
    if (last[0] != null && last.every((text) => text === last[0])) return last[0];
    await pause(100);
  }
  const shown = users.map((user, i) => `  ${user.name}: ${JSON.stringify(last[i])}`).join('\n');
  throw new Error(`the contexts never showed the same text within ${SETTLE_MS} ms:\n${shown}`);
}

/**
 * Waits until all contexts agree, asserts the exact expected text in each, then
 * reloads `reloaded` and asserts the same text there.
 */
async function expectEverywhere(
  users: Delegate[],
  read: (page: Page) => Promise<string | null>,
  expected: string,
  reloaded: Delegate,
): Promise<void> {
  await converged(users, read);
  for (const user of users) expect(await read(user.page), `text in ${user.name}'s context`).toBe(expected);
  await reload(reloaded);
  await expect
    .poll(() => read(reloaded.page).catch(() => null), {
      timeout: SETTLE_MS,
      message: `text in ${reloaded.name}'s context after a reload`,
    })
    .toBe(expected);
}

/** Puts the selection (a caret when `to` is omitted) on characters of a paragraph, and waits until ProseMirror has it. */
async function select(user: Delegate, id: string, block: number, from: number, to = from): Promise<void> {
  await expect
    .poll(
      () =>
        user.page.evaluate(
          ([clauseId, b, f, t]) => {
            const installed = window.__sameClause;
            if (!installed) throw new Error('page helpers missing');
            return installed.select(clauseId, b, f, t);
          },
          [id, block, from, to] as const,
        ),
      {
        timeout: 10_000,
        interval: 100,
        message: `${user.name}'s selection at ${from}–${to} of ${id}/${block}`,
      },
    )
    .toBe(true);
}

async function selectionOf(user: Delegate): Promise<SelectionInfo> {
  return user.page.evaluate(() => {
    const installed = window.__sameClause;
    if (!installed) throw new Error('page helpers missing');
    return installed.selection();
  });
}

/** Waits until `viewer` draws `author`'s named caret with exactly `before` before it in that paragraph. */
async function expectCaret(
  viewer: Delegate,
  author: Delegate,
  where: { clauseId: string; block: number; before: string },
): Promise<void> {
  await expect
    .poll(
      () =>
        viewer.page.evaluate((name) => {
          const installed = window.__sameClause;
          if (!installed) throw new Error('page helpers missing');
          return installed.caretOf(name);
        }, author.name),
      { timeout: SETTLE_MS, message: `${author.name}'s caret as ${viewer.name} sees it` },
    )
    .toEqual({ count: 1, ...where });
}

/** A small deterministic generator (mulberry32), so a failing run's key timings can be replayed. */
const pacing = seededRandom;

/** Types like a person: one key at a time, 60–110 ms apart. */
async function typeLikeAPerson(page: Page, text: string, seed: number): Promise<void> {
  const next = pacing(seed);
  for (const char of text) {
    await page.keyboard.type(char);
    await pause(60 + Math.floor(next() * 51));
  }
}

/** Waits until the page shows `snippet` in the clause (to act while the other delegate is mid-typing). */
async function waitUntilShown(page: Page, id: string, snippet: string): Promise<void> {
  await expect
    .poll(() => readRun(page, id), { timeout: SETTLE_MS, message: `"${snippet}" reaching the page` })
    .toContain(snippet);
}

function insertAt(text: string, offset: number, inserted: string): string {
  return text.slice(0, offset) + inserted + text.slice(offset);
}

/** The offset of `needle` in `text`; it must occur exactly once. */
function offsetOf(text: string, needle: string): number {
  const first = text.indexOf(needle);
  if (first < 0 || text.indexOf(needle, first + 1) >= 0)
    throw new Error(`"${needle}" must occur exactly once in "${text}"`);
  return first;
}

// ---------------------------------------------------------------------------

describe('delegates typing at the same time in the same clause (issue 10)', () => {
  let server: TestServer;
  let browser: Browser;
  let anna: Delegate; // Polish presidency, pen-holder
  let laszlo: Delegate; // Hungarian drafter
  let jana: Delegate; // Czech drafter
  let everyone: Delegate[];
  /** Clause ids by their number before any case ran (a split renumbers the clauses after it). */
  const clauseIds = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    anna = await openAs(browser, server.url, DEMO.penHolder, 'Anna Nowak');
    laszlo = await openAs(browser, server.url, DEMO.hungarianDrafter, 'László Kovács');
    jana = await openAs(browser, server.url, DEMO.czechDrafter, 'Jana Nováková');
    everyone = [anna, laszlo, jana];
    // None of these is agreed (locked) in the demo negotiation; each case has its own.
    for (const number of ['1.2', '1.3', '1.4', '1.5', '2.2', '2.4', '3.1', '3.2', '3.3', '3.4', '5.1', '5.3'])
      clauseIds.set(number, await clauseIdOf(anna.page, number));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  interface Fresh {
    id: string;
    /** The clause's text (one paragraph) as every context showed it before the case. */
    text: string;
    /** Reads `clauses` clauses from this one on plus the clause after them (which must not change). */
    read: (clauses?: number) => (page: Page) => Promise<string | null>;
    /** The expected reading: these clause texts, then the clause after them unchanged. */
    expected: (...clauses: string[]) => string;
  }

  async function freshClause(number: string): Promise<Fresh> {
    const id = clauseIds.get(number);
    if (!id) throw new Error(`clause ${number} was not looked up`);
    const read =
      (clauses = 1) =>
      (page: Page) =>
        readRun(page, id, clauses + 1);
    const [text = '', next = '', ...rest] = (await converged(everyone, read())).split('\n§\n');
    expect(rest, 'two clauses read').toEqual([]);
    expect(text, `clause ${number} is a single paragraph`).not.toContain('\n');
    return { id, text, read, expected: (...clauses) => [...clauses, next].join('\n§\n') };
  }

  /** Case 1: one caret at the start of the clause, one at its end, both typing. */
  async function startAndEnd(
    number: string,
    atEnd: Delegate,
    endText: string,
    atStart: Delegate,
    startText: string,
    reloaded: Delegate,
  ): Promise<void> {
    const c = await freshClause(number);
    await select(atEnd, c.id, 0, c.text.length);
    await select(atStart, c.id, 0, 0);
    await Promise.all([
      typeLikeAPerson(atEnd.page, endText, 11),
      typeLikeAPerson(atStart.page, startText, 12),
    ]);
    const final = startText + c.text + endText;
    // Each named caret is drawn right after its owner's last character, where the next one will appear.
    await expectCaret(atStart, atEnd, { clauseId: c.id, block: 0, before: final });
    await expectCaret(atEnd, atStart, { clauseId: c.id, block: 0, before: startText });
    await expectEverywhere([atEnd, atStart], c.read(), c.expected(final), reloaded);
  }

  it('1a. pen-holder at the end, drafter at the start of clause 2.2: both get exactly their words', async () => {
    await startAndEnd(
      '2.2',
      anna,
      ' [PL: within available resources]',
      laszlo,
      '[HU: where appropriate] ',
      anna,
    );
  });

  it('1b. the same with the roles swapped (drafter at the end, pen-holder at the start of 2.4)', async () => {
    await startAndEnd(
      '2.4',
      laszlo,
      ' [HU: subject to national law]',
      anna,
      '[PL: as a matter of priority] ',
      laszlo,
    );
  });

  /** Case 2: both carets at one place; concurrent insertions there may come in either order, each whole. */
  async function samePosition(
    number: string,
    before: string,
    annas: string,
    laszlos: string,
    reloaded: Delegate,
  ): Promise<void> {
    const c = await freshClause(number);
    const at = offsetOf(c.text, before);
    await select(anna, c.id, 0, at);
    await select(laszlo, c.id, 0, at);
    await Promise.all([typeLikeAPerson(anna.page, annas, 21), typeLikeAPerson(laszlo.page, laszlos, 22)]);
    const final = await converged([anna, laszlo], c.read());
    const laszloFirst = c.expected(insertAt(c.text, at, laszlos + annas));
    const annaFirst = c.expected(insertAt(c.text, at, annas + laszlos));
    expect(final, 'both strings whole, side by side, the rest unchanged').toBe(
      final === laszloFirst ? laszloFirst : annaFirst,
    );
    await expectEverywhere([anna, laszlo], c.read(), final, reloaded);
  }

  it('2a. both carets at the same position (before a space, typing strings that start with a space)', async () => {
    // "Develop joint training| for border guards…"
    await samePosition('1.2', ' for border guards', ' [PL: and regular]', ' [HU: specialised]', laszlo);
  });

  it('2b. both carets at the same position (before a word)', async () => {
    // "Encourage information campaigns |in countries of origin…". Unlike 2a, no typed character equals
    // the character right after either caret ("i", or the other's first character "[" / "{").
    await samePosition('1.5', 'in countries of origin', '{PL: targeted} ', '[HU: broad] ', anna);
  });

  it('3. one types in the middle of a word while the other types just before it', async () => {
    const c = await freshClause('1.3');
    // "…in aligning their legis|lation…": Anna types inside "legislation", László before "their".
    const midWord = offsetOf(c.text, 'legislation') + 'legis'.length;
    const before = offsetOf(c.text, 'their legislation');
    const annas = '{PL: mid-word insertion}';
    const laszlos = '[HU: national] ';
    await select(anna, c.id, 0, midWord);
    await select(laszlo, c.id, 0, before);
    await Promise.all([typeLikeAPerson(anna.page, annas, 31), typeLikeAPerson(laszlo.page, laszlos, 32)]);
    const final = insertAt(insertAt(c.text, midWord, annas), before, laszlos);
    const through = (typed: string) => final.slice(0, final.indexOf(typed) + typed.length);
    await expectCaret(laszlo, anna, { clauseId: c.id, block: 0, before: through(annas) });
    await expectCaret(anna, laszlo, { clauseId: c.id, block: 0, before: through(laszlos) });
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), anna);
  });

  it('4a. a new paragraph (Enter) before the other delegate’s caret while they type', async () => {
    const c = await freshClause('1.4');
    const enterAt = offsetOf(c.text, 'between law enforcement');
    const typeAt = offsetOf(c.text, ' of organised crime');
    const laszlos = ' [HU: and adjudication]';
    const annas = '[PL: new paragraph] ';
    await select(anna, c.id, 0, enterAt);
    await select(laszlo, c.id, 0, typeAt);
    await Promise.all([
      typeLikeAPerson(laszlo.page, laszlos, 41),
      (async () => {
        await waitUntilShown(anna.page, c.id, laszlos.slice(0, 8));
        await anna.page.keyboard.press('Enter');
        await typeLikeAPerson(anna.page, annas, 42);
      })(),
    ]);
    const withLaszlos = insertAt(c.text, typeAt, laszlos);
    const final = `${withLaszlos.slice(0, enterAt)}\n${annas}${withLaszlos.slice(enterAt)}`;
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), laszlo);
  });

  it('4b. splitting the clause (Ctrl+Enter) before the other delegate’s caret while they type', async () => {
    const c = await freshClause('3.1');
    // László types in the second half, the longer one: it keeps its place when the clause is split, so
    // keystrokes of his already on their way stay in it (see 5b) — also with clause 3.2 after it.
    const splitAt = offsetOf(c.text, 'on the conditions of entry');
    const typeAt = offsetOf(c.text, ', including through');
    const laszlos = ' [HU: and of return]';
    const annas = '[PL: split off] ';
    await select(anna, c.id, 0, splitAt);
    await select(laszlo, c.id, 0, typeAt);
    await Promise.all([
      typeLikeAPerson(laszlo.page, laszlos, 51),
      (async () => {
        await waitUntilShown(anna.page, c.id, laszlos.slice(0, 8));
        await anna.page.keyboard.press('Control+Enter');
        await typeLikeAPerson(anna.page, annas, 52);
      })(),
    ]);
    // The clause keeps its id and the text before the split; a new clause right after it has the rest.
    // A split at a space leaves no stray space at the end of the first clause (issue 13, item 11).
    const withLaszlos = insertAt(c.text, typeAt, laszlos);
    const expected = c.expected(withLaszlos.slice(0, splitAt).trimEnd(), annas + withLaszlos.slice(splitAt));
    await expectEverywhere([anna, laszlo], c.read(2), expected, anna);
  });

  it('4c. joining two paragraphs (Backspace at a paragraph start) before the other delegate’s caret', async () => {
    const c = await freshClause('3.2');
    // First give the clause a second paragraph, starting at "and skills shortages…": the longer one, where
    // László types, so it keeps its place when the two are joined (see 5b).
    const breakAt = offsetOf(c.text, 'and skills shortages');
    await select(anna, c.id, 0, breakAt);
    await anna.page.keyboard.press('Enter');
    const first = c.text.slice(0, breakAt);
    const second = c.text.slice(breakAt);
    expect(await converged(everyone, c.read())).toBe(c.expected(`${first}\n${second}`));

    const typeAt = offsetOf(second, ' in the Extended');
    const laszlos = ' [HU: jointly and regularly]';
    const annas = '[PL: joined] ';
    await select(anna, c.id, 1, 0);
    await select(laszlo, c.id, 1, typeAt);
    await Promise.all([
      typeLikeAPerson(laszlo.page, laszlos, 61),
      (async () => {
        await waitUntilShown(anna.page, c.id, laszlos.slice(0, 8));
        await anna.page.keyboard.press('Backspace');
        await typeLikeAPerson(anna.page, annas, 62);
      })(),
    ]);
    const final = first + annas + insertAt(second, typeAt, laszlos);
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), laszlo);
  });

  it('5a. deleting a word before the other delegate’s caret while they type', async () => {
    const c = await freshClause('3.3');
    const word = 'skills ';
    const wordAt = offsetOf(c.text, 'skills acquired');
    const typeAt = offsetOf(c.text, ', and promote');
    const laszlos = ' [HU: or at home]';
    const annas = '[PL: competences] ';
    await select(laszlo, c.id, 0, typeAt);
    await select(anna, c.id, 0, wordAt, wordAt + word.length);
    expect((await selectionOf(anna)).text).toBe(word);
    await Promise.all([
      typeLikeAPerson(laszlo.page, laszlos, 71),
      (async () => {
        await waitUntilShown(anna.page, c.id, laszlos.slice(0, 8));
        await anna.page.keyboard.press('Backspace');
        await typeLikeAPerson(anna.page, annas, 72);
      })(),
    ]);
    const withLaszlos = insertAt(c.text, typeAt, laszlos);
    const final = withLaszlos.slice(0, wordAt) + annas + withLaszlos.slice(wordAt + word.length);
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), anna);
  });

  it('5b. pasting a paragraph before the other delegate’s caret while they type', async () => {
    const c = await freshClause('3.4');
    // The paste splits the paragraph where the half holding László's caret is the longer one: that half
    // keeps its place, so keystrokes of his already on their way when the paste arrives stay in it. (In the
    // shorter half they could land in the deleted copy — the binding writes a split as delete + copy.)
    const pasteAt = offsetOf(c.text, 'the exploitation');
    const typeAt = offsetOf(c.text, ' practices.');
    const laszlos = ' [HU: and decent work]';
    const pasted = '[PL: pasted paragraph on labour inspection.]';
    await anna.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    // A whole paragraph copied from elsewhere: a line of its own.
    const clipboard = `\n${pasted}\n`;
    await anna.page.evaluate((value) => navigator.clipboard.writeText(value), clipboard);
    expect(await anna.page.evaluate(() => navigator.clipboard.readText())).toBe(clipboard);
    await select(anna, c.id, 0, pasteAt);
    await select(laszlo, c.id, 0, typeAt);
    await Promise.all([
      typeLikeAPerson(laszlo.page, laszlos, 81),
      (async () => {
        await waitUntilShown(anna.page, c.id, laszlos.slice(0, 8));
        await anna.page.keyboard.press('Control+V');
      })(),
    ]);
    const withLaszlos = insertAt(c.text, typeAt, laszlos);
    const final = `${withLaszlos.slice(0, pasteAt)}\n${pasted}\n${withLaszlos.slice(pasteAt)}`;
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), laszlo);
  });

  it('6. a selected range keeps covering the same words while another delegate types before and inside it', async () => {
    const c = await freshClause('5.1');
    const words = 'mainstreaming migration into their development';
    const from = offsetOf(c.text, words);
    const before = offsetOf(c.text, 'participating states');
    const inside = from + 'mainstreaming migration'.length;
    const beforeText = '[HU: interested] ';
    const insideText = ' [HU: systematically]';
    await select(anna, c.id, 0, from, from + words.length);
    expect(await selectionOf(anna)).toMatchObject({ text: words, domText: words, clauseId: c.id });

    await select(laszlo, c.id, 0, before);
    await typeLikeAPerson(laszlo.page, beforeText, 91);
    await expect
      .poll(() => c.read()(anna.page), { timeout: SETTLE_MS })
      .toBe(c.expected(insertAt(c.text, before, beforeText)));
    expect(await selectionOf(anna), 'after typing before the range').toMatchObject({
      text: words,
      domText: words,
      clauseId: c.id,
    });

    await select(laszlo, c.id, 0, inside + beforeText.length);
    await typeLikeAPerson(laszlo.page, insideText, 92);
    const final = insertAt(insertAt(c.text, inside, insideText), before, beforeText);
    expect(await converged([anna, laszlo], c.read())).toBe(c.expected(final));
    const covered = insertAt(words, 'mainstreaming migration'.length, insideText);
    expect(await selectionOf(anna), 'after typing inside the range').toMatchObject({
      text: covered,
      domText: covered,
      clauseId: c.id,
    });
    await expectEverywhere([anna, laszlo], c.read(), c.expected(final), laszlo);
  });

  it('7. three delegates typing in one clause for ten seconds: each string contiguous, intact, in order', async () => {
    const c = await freshClause('5.3');
    const middle = offsetOf(c.text, ' including through');
    const annas =
      '[PL: the presidency proposes to refer to the Global Forum on Migration and Development and its meetings] ';
    const laszlos =
      ' [HU: with due regard to the situation of each participating state and to the capacities of its authorities]';
    const janas =
      ' [CZ: and by supporting the networks of diaspora organisations in the countries of residence and origin]';
    await select(anna, c.id, 0, 0);
    await select(laszlo, c.id, 0, middle);
    await select(jana, c.id, 0, c.text.length);
    const started = Date.now();
    await Promise.all([
      typeLikeAPerson(anna.page, annas, 101),
      typeLikeAPerson(laszlo.page, laszlos, 102),
      typeLikeAPerson(jana.page, janas, 103),
    ]);
    expect(Date.now() - started, 'typing lasted about ten seconds').toBeGreaterThanOrEqual(9_000);
    const final = annas + insertAt(c.text, middle, laszlos) + janas;
    const through = (typed: string) => final.slice(0, final.indexOf(typed) + typed.length);
    const typists = [
      [anna, annas],
      [laszlo, laszlos],
      [jana, janas],
    ] as const;
    for (const viewer of everyone) {
      for (const [author, typed] of typists) {
        if (author !== viewer)
          await expectCaret(viewer, author, { clauseId: c.id, block: 0, before: through(typed) });
      }
    }
    await expectEverywhere(everyone, c.read(), c.expected(final), jana);
  }, 120_000);
});
