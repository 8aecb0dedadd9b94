/**
 * Amendments in Chromium, three delegations at once over the real server:
 * the Ukrainian commenter proposes wording for clause 2.2 in suggesting mode
 * (her changes tracked as she types, the shared text untouched) and tables
 * it; the Hungarian drafter co-sponsors it; the pen-holder sees it live,
 * inline in the text, and accepts it; the Hungarian drafter sees the clause's
 * text change live; the compilation DOCX downloaded from the browser holds
 * the accepted amendment. An observer has no control to propose. (The amendment
 * controls — proposal form, panel, amendments in the text, a decision dialog —
 * are checked by axe-core in accessibility.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentTables, documentXmlOf, markedText, paragraphTexts } from '../support/compilationDocx';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  afterNextPaint,
  clause,
  downloadFrom,
  launchChromium,
  openDocument,
  placeCaretAtEndOf,
  signInAs,
  type UserPage,
} from './support/browser';
import { textWithoutCarets } from './support/collab';
import { E2E_CLIENT_DIR } from './support/paths';

const TITLE = 'Action Plan 2012–2016';
const LIVE = { timeout: 15_000 };
const ORIGINAL =
  'Give priority to voluntary return over forced return, and develop assisted voluntary return programmes in cooperation with IOM.';
const PROPOSED =
  'Accord priority to voluntary return over forced return, and develop assisted voluntary return programmes in cooperation with IOM and UNHCR.';

/** The shared text of clause 2.2 as the editor holds it (amendments drawn over it are widgets, left out). */
function sharedClauseText(page: Page, number: string): Promise<string> {
  return clause(page, number)
    .locator('p')
    .first()
    .evaluate((paragraph) => {
      const copy = paragraph.cloneNode(true) as Element;
      for (const drawn of Array.from(
        copy.querySelectorAll('.ProseMirror-widget, .collaboration-carets__caret'),
      ))
        drawn.remove();
      return copy.textContent ?? '';
    });
}

/** Every text of the elements a locator matches, joined. */
async function allText(locator: Locator): Promise<string> {
  return (await locator.allTextContents()).join(' ');
}

/** Opens "Propose wording" on a clause and waits until its editor has the focus, caret at the end. */
async function startProposal(page: Page, number: string) {
  await clause(page, number)
    .getByRole('button', { name: `Propose wording for clause ${number}` })
    .click();
  const proposal = page.getByTestId('amendment-proposal');
  const editor = proposal.getByRole('textbox', { name: `Proposed wording for clause ${number}` });
  await editor.waitFor();
  await expect
    .poll(() =>
      editor.evaluate((element) => {
        const selection = document.getSelection();
        const atEnd = selection?.focusNode?.textContent?.length === selection?.focusOffset;
        return element === document.activeElement && selection?.isCollapsed && atEnd;
      }),
    )
    .toBe(true);
  // Its focus is applied in an animation frame: let that frame pass before moving the caret.
  await afterNextPaint(page);
  return { proposal, editor };
}

/** With the caret at the end of a paragraph: replaces the word ending `fromEnd` characters before it. */
async function replaceWordBeforeEnd(page: Page, fromEnd: number, word: string): Promise<void> {
  for (let i = 0; i < fromEnd; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.type(word);
}

function amendmentCard(page: Page, text: string) {
  return page.getByTestId('amendments-panel').getByTestId('amendment').filter({ hasText: text });
}

describe('amendments in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let olena: UserPage; // Ukrainian delegate, commenter
  let anna: UserPage; // Polish presidency, pen-holder
  let laszlo: UserPage; // Hungarian delegate, drafter

  beforeAll(async () => {
    server = await startTestServer({ clientDir: E2E_CLIENT_DIR });
    browser = await launchChromium();
    olena = await signInAs(browser, server.url, DEMO.commenter);
    anna = await signInAs(browser, server.url, DEMO.penHolder);
    laszlo = await signInAs(browser, server.url, DEMO.hungarianDrafter);
    for (const { page } of [olena, anna, laszlo]) {
      await openDocument(page, TITLE);
      await page.getByTestId('comments-panel').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('is proposed in suggesting mode, co-sponsored, shown inline, accepted, and the text changes live', async () => {
    // Olena proposes wording for clause 2.2: the clause turns into an editor of her proposal.
    const { proposal, editor } = await startProposal(olena.page, '2.2');
    expect(await editor.textContent()).toBe(ORIGINAL);

    // She replaces the first word and adds to the end; each change is tracked as she types.
    // (A double-click selects the word: ProseMirror takes a caret put at the very start right after focus
    // for the browser's own reset, and puts it back.)
    await editor
      .locator('p')
      .first()
      .dblclick({ position: { x: 12, y: 10 } });
    await olena.page.keyboard.type('Accord');
    await expect.poll(() => allText(proposal.locator('del.tracked--del'))).toContain('Give');
    await expect.poll(() => allText(proposal.locator('ins.tracked--ins'))).toContain('Accord');
    await olena.page.keyboard.press('Control+End');
    await olena.page.keyboard.press('ArrowLeft');
    await olena.page.keyboard.type(' and UNHCR');
    await expect.poll(() => allText(proposal.locator('ins.tracked--ins'))).toContain('and UNHCR');
    // The proposal editor's own text is the proposed wording; the deleted word is drawn, not typed.
    const typed = await editor.evaluate((element) => {
      const copy = element.cloneNode(true) as Element;
      for (const drawn of Array.from(copy.querySelectorAll('.ProseMirror-widget'))) drawn.remove();
      return copy.textContent ?? '';
    });
    expect(typed).toBe(PROPOSED);
    // Nobody's text changed.
    expect(await sharedClauseText(laszlo.page, '2.2')).toBe(ORIGINAL);

    await proposal.getByLabel('Justification').fill('UNHCR co-leads return counselling in the region.');
    await proposal.getByRole('button', { name: 'Table', exact: true }).click();
    await olena.page
      .getByTestId('toasts')
      .filter({ hasText: /Tabled as AM \d+/ })
      .waitFor(LIVE);
    await proposal.waitFor({ state: 'detached', ...LIVE });
    expect(await sharedClauseText(olena.page, '2.2')).toBe(ORIGINAL);

    // Everyone sees its count in the margin of clause 2.2, live.
    for (const { page } of [olena, anna, laszlo]) {
      await expect
        .poll(
          () =>
            clause(page, '2.2')
              .getByTestId('amendment-count')
              .locator('.amendment-margin__count')
              .textContent(),
          LIVE,
        )
        .toBe('1');
    }

    // László co-sponsors it from the amendments panel; Olena sees the co-signature live.
    await clause(laszlo.page, '2.2').getByTestId('amendment-count').click();
    const laszloCard = amendmentCard(laszlo.page, 'UNHCR');
    await laszloCard.getByRole('button', { name: /^Co-sponsor/ }).click();
    await olena.page.getByTestId('show-amendments-panel').click();
    const olenaCard = amendmentCard(olena.page, 'UNHCR');
    await expect
      .poll(() => olenaCard.getByTestId('amendment-cosponsors').textContent(), LIVE)
      .toContain('HU');
    expect(await olenaCard.getByRole('button', { name: /^Co-sponsor/ }).count()).toBe(0);
    expect(await olenaCard.getByRole('button', { name: /^Withdraw AM/ }).count()).toBe(1);

    // Anna shows amendments in the text: UA's change is drawn over clause 2.2 as tracked changes.
    await anna.page.getByTestId('show-amendments').click();
    const annaClause = clause(anna.page, '2.2');
    await expect.poll(() => allText(annaClause.locator('del.am-inline--del')), LIVE).toContain('Give');
    await expect.poll(() => allText(annaClause.locator('ins.am-inline--ins')), LIVE).toContain('Accord');
    expect(await allText(annaClause.locator('ins.am-inline--ins'))).toContain('and UNHCR');
    expect(await textWithoutCarets(annaClause.locator('.am-inline-label'))).toMatch(/^AM \d+ · UA$/);
    expect(await sharedClauseText(anna.page, '2.2')).toBe(ORIGINAL);

    // She accepts it from the clause's amendments.
    await annaClause.getByTestId('amendment-count').click();
    const annaCard = amendmentCard(anna.page, 'UNHCR');
    expect(await textWithoutCarets(annaCard.getByTestId('amendment-cosponsors'))).toContain('HU');
    await annaCard.getByRole('button', { name: 'Accept', exact: true }).click();
    await anna.page
      .getByTestId('toasts')
      .filter({ hasText: /AM \d+ accepted/ })
      .waitFor(LIVE);

    // László sees the text of clause 2.2 change live; the tracked changes are gone from Anna's text.
    for (const { page } of [laszlo, anna, olena]) {
      await expect.poll(() => sharedClauseText(page, '2.2'), LIVE).toBe(PROPOSED);
    }
    await expect.poll(() => annaClause.locator('.am-inline').count(), LIVE).toBe(0);
    // Olena's card says it was accepted; the open count is gone.
    await olena.page.getByLabel('By status').selectOption('all');
    await expect.poll(() => olenaCard.getByTestId('amendment-status').textContent(), LIVE).toBe('Accepted');
    await expect
      .poll(() => clause(olena.page, '2.2').getByTestId('amendment-count').getAttribute('class'), LIVE)
      .toContain('amendment-margin--settled');

    // Olena opens the compilation from the panel and downloads it as DOCX: it holds her amendment, accepted.
    const number = /AM (\d+)/.exec((await olenaCard.textContent()) ?? '')?.[1];
    expect(number).toBeDefined();
    await olena.page.getByRole('link', { name: 'Compilation of amendments' }).click();
    await olena.page.getByTestId('compilation-clause').first().waitFor(LIVE);
    const downloads = mkdtempSync(join(tmpdir(), 'draftroom-amendments-'));
    try {
      const file = await downloadFrom(
        olena.page,
        olena.page.getByRole('link', { name: 'Download DOCX' }),
        downloads,
      );
      const xml = documentXmlOf(file.bytes);
      const paragraphs = paragraphTexts(xml);
      expect(paragraphs).toContain(`AM ${number}  Change wording`);
      expect(paragraphs).toContain('Justification: UNHCR co-leads return counselling in the region.');
      expect(paragraphs.some((line) => line.startsWith('Proponent: UA · Co-sponsors: HU'))).toBe(true);
      expect(paragraphs.some((line) => line.startsWith('Status: Accepted'))).toBe(true);
      const inserted = amendmentTables(xml).map((entry) =>
        markedText(entry.right, (run) => run.bold && run.underline),
      );
      expect(inserted.some((text) => text.includes('Accord') && text.includes('and UNHCR'))).toBe(true);
    } finally {
      rmSync(downloads, { recursive: true, force: true });
    }
    // Back to the text for the tests that follow.
    await olena.page.goBack();
    await olena.page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor(LIVE);
    await olena.page.getByTestId('comments-panel').waitFor(LIVE);
  });

  it('redrafts when the clause changed under a proposal, and settles a conflict and a lock on accepting', async () => {
    // Olena proposes "basic" for "fundamental" in clause 2.4 while László writes "universal" there.
    const { proposal } = await startProposal(olena.page, '2.4');
    await olena.page.keyboard.press('Control+End');
    await replaceWordBeforeEnd(olena.page, 8, 'basic');
    await placeCaretAtEndOf(laszlo.page, '2.4');
    await replaceWordBeforeEnd(laszlo.page, 8, 'universal');
    await expect.poll(() => sharedClauseText(anna.page, '2.4'), LIVE).toContain('and universal rights.');

    // Tabling is refused: she sees the clause as it now reads, and starts again from it.
    await proposal.getByRole('button', { name: 'Table', exact: true }).click();
    const changed = proposal.getByTestId('proposal-clause-changed');
    await expect.poll(() => changed.textContent(), LIVE).toContain('and universal rights.');
    expect(await changed.textContent()).toContain('and basic rights.');
    await changed.getByRole('button', { name: 'Start again from the current text' }).click();
    const redraft = proposal.getByRole('textbox', { name: 'Proposed wording for clause 2.4' });
    await expect.poll(() => redraft.textContent()).toContain('and universal rights.');
    await redraft.click();
    await olena.page.keyboard.press('Control+End');
    await replaceWordBeforeEnd(olena.page, 8, 'basic');
    await expect.poll(() => allText(proposal.locator('del.tracked--del'))).toContain('universal');
    await proposal.getByRole('button', { name: 'Table', exact: true }).click();
    await proposal.waitFor({ state: 'detached', ...LIVE });

    // László then writes "common" in the same place: accepting no longer applies cleanly.
    await placeCaretAtEndOf(laszlo.page, '2.4');
    await replaceWordBeforeEnd(laszlo.page, 8, 'common');
    await expect.poll(() => sharedClauseText(anna.page, '2.4'), LIVE).toContain('and common rights.');
    await clause(anna.page, '2.4').getByTestId('amendment-count').click();
    const card = amendmentCard(anna.page, 'basic');
    await card.getByRole('button', { name: 'Accept', exact: true }).click();
    const conflict = anna.page.getByTestId('amendment-conflict');
    await conflict.waitFor(LIVE);
    expect(await conflict.getByRole('region', { name: 'Text it was tabled on' }).textContent()).toContain(
      'universal',
    );
    expect(
      await conflict.getByRole('region', { name: 'The amendment, against that text' }).textContent(),
    ).toContain('basic');
    expect(
      await conflict.getByRole('region', { name: 'The clause now, against that text' }).textContent(),
    ).toContain('common');
    expect(await sharedClauseText(laszlo.page, '2.4')).toContain('and common rights.');
    // She writes the final wording and accepts it; everyone's text follows.
    await conflict.getByRole('textbox', { name: 'Final wording of clause 2.4' }).click();
    await anna.page.keyboard.press('Control+End');
    await replaceWordBeforeEnd(anna.page, 8, 'basic and common');
    await conflict.getByRole('button', { name: 'Accept with this wording' }).click();
    await conflict.waitFor({ state: 'detached', ...LIVE });
    await expect
      .poll(() => sharedClauseText(laszlo.page, '2.4'), LIVE)
      .toContain('and basic and common rights.');

    // An amendment to an agreed clause may be tabled, but accepting it waits for the clause to be reopened.
    await clause(anna.page, '2.4').getByTestId('clause-status').click();
    await anna.page
      .getByRole('dialog', { name: 'Status of clause 2.4' })
      .locator('[data-status="agreed"]')
      .click();
    await olena.page.locator('[data-type="clause"][data-number="2.4"].is-locked').waitFor(LIVE);
    const reopening = await startProposal(olena.page, '2.4');
    await olena.page.keyboard.press('Control+End');
    await olena.page.keyboard.press('ArrowLeft');
    await olena.page.keyboard.type(' in all cases');
    await reopening.proposal.getByRole('button', { name: 'Table', exact: true }).click();
    await reopening.proposal.waitFor({ state: 'detached', ...LIVE });
    const locked = amendmentCard(anna.page, 'in all cases');
    await locked.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect
      .poll(() => locked.getByTestId('amendment-refusal').textContent(), LIVE)
      .toContain('reopen it');
    expect(await sharedClauseText(laszlo.page, '2.4')).not.toContain('in all cases');
  });

  it('offers an observer no control to propose', async () => {
    const sofia = await signInAs(browser, server.url, DEMO.observer);
    await openDocument(sofia.page, TITLE);
    await clause(sofia.page, '2.1').getByTestId('clause-status').waitFor();
    expect(await sofia.page.getByTestId('propose-amendment').count()).toBe(0);
    await sofia.context.close();
  });
});
