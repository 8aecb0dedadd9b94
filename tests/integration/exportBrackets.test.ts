import type { VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paragraphTexts } from '../../server/src/export/docxFingerprint';
import { dateTimeForPeople } from '../../server/src/export/peopleDates';
import { bodyParagraphs } from '../../server/src/verify/docxParagraphs';
import { storedPassage } from '../support/bracketPassages';
import { apiAs } from '../support/negotiationApi';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { docxPart } from '../support/verifyDocx';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';

const SEEDED_WORDING = 'and encourage their productive investment';
const CZECH_ALTERNATIVE = 'and facilitate their investment in local development';

/** Body paragraphs as shown (tabs included), a footnote reference written as "^": where the proponents' notes stand. */
function bodyWithNotes(docx: Uint8Array): string[] {
  return bodyParagraphs(docxPart(docx, 'word/document.xml')).map((paragraph) =>
    paragraph.pieces.map((piece) => (piece.kind === 'text' ? piece.text : '^')).join(''),
  );
}

function footnotes(docx: Uint8Array): string[] {
  return paragraphTexts(docxPart(docx, 'word/footnotes.xml')).filter((text) => text.trim() !== '');
}

describe('brackets and dates in the DOCX exports', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let rev1: VersionSummary;
  let negotiating: VersionSummary;

  beforeAll(async () => {
    server = await startTestServer({ seedDemoNegotiation: true, processTimeZone: 'Europe/Prague' });
    pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    negotiating = await pen.saveOk('Rev. 2 — for the Moscow meeting');
  });
  afterAll(() => server.dispose());

  it('shows the seeded 5.2 bracket as the editor does, [A / B], each wording with its proponent in a footnote', async () => {
    const docx = (await pen.exportVersion(negotiating.id)).bytes;
    const clause = bodyWithNotes(docx).find((text) => text.startsWith('5.2\t'));
    expect(clause).toContain(`[${SEEDED_WORDING}^ / ${CZECH_ALTERNATIVE}^]`);
    expect(footnotes(docx)).toEqual([
      'Wording proposed by Hungary (HU).',
      'Alternative proposed by Czech Republic (CZ).',
    ]);
    // Still the version's text: verification reads it back to the same fingerprint.
    expect(expectStatus(await pen.verifyDocx(docx), 200)).toMatchObject({
      outcome: 'match',
      textFingerprint: negotiating.fingerprint,
    });
  });

  it('adds an alternative proposed later, by another delegation, to a new bracket in 3.3', async () => {
    const hu = await apiAs(server, DEMO.hungarianDrafter);
    const ua = await apiAs(server, DEMO.commenter);
    const clauseId =
      expectStatus(await pen.get(negotiating.id), 200).structure.sections[2]?.clauses[2]?.id ?? '';
    // A server command: the passage is marked in the text and the record stored together.
    const input = storedPassage(server, clauseId, 'circular migration');
    expectStatus(await hu.newBracket(input), 201);
    expectStatus(await ua.addAlternative(input.id, 'temporary and circular migration programmes'), 201);
    const rev3 = await pen.saveOk('Rev. 3');
    const docx = (await pen.exportVersion(rev3.id)).bytes;
    const clause = bodyWithNotes(docx).find((text) => text.startsWith('3.3\t'));
    expect(clause).toContain('[circular migration^ / temporary and circular migration programmes^]');
    expect(footnotes(docx)).toContain('Alternative proposed by Ukraine (UA).');

    // The redline names every wording of a bracket, with its proponent. Rev. 1 has the 5.2 passage marked
    // in its text but no record of its alternatives yet: "changed", from one wording to two.
    const redline = (await pen.redline({ from: rev1.id, to: rev3.id, changedOnly: '1' })).bytes;
    const lines = paragraphTexts(docxPart(redline, 'word/document.xml'));
    expect(lines).toContain(
      'Bracket added: [circular migration (HU) / temporary and circular migration programmes (UA)]',
    );
    expect(lines).toContain(
      `Bracket changed: [${SEEDED_WORDING} (HU)] → [${SEEDED_WORDING} (HU) / ${CZECH_ALTERNATIVE} (CZ)]`,
    );
  });

  it('dates the version in the header and title block for people, in the process time zone', async () => {
    const docx = (await pen.exportVersion(negotiating.id)).bytes;
    const expected = dateTimeForPeople(negotiating.createdAt, 'Europe/Prague');
    expect(expected).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} CES?T$/);
    const header = paragraphTexts(docxPart(docx, 'word/header1.xml'));
    expect(header).toContain(`${negotiating.label} — ${expected}`);
    expect(paragraphTexts(docxPart(docx, 'word/document.xml'))).toContain(
      `Prague Process — ${negotiating.label} — ${expected}`,
    );
    expect(docxPart(docx, 'word/header1.xml')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
