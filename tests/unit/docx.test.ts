import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { compareStructures } from '../../server/src/compare/compareStructures';
import { buildStructure, type StructureSpec } from '../../server/src/compare/fixtures';
import { configWith } from '../../server/src/config';
import { fingerprint } from '../../server/src/content/structure';
import { exportComparisonDocx, exportVersionDocx, extractFingerprintFromDocx } from '../../server/src/export';
import { uploadLimitsOf } from '../../server/src/export/uploadLimits';
import { runProperties, runText } from '../support/docxRuns';
import { docxPart } from '../support/verifyDocx';

const UPLOAD_LIMITS = uploadLimitsOf(configWith({}));

/** A run of WordprocessingML with the properties the tests look at. */
interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  highlight: boolean;
}

function parseRun(xml: string): Run {
  const properties = runProperties(xml);
  return {
    text: runText(xml),
    bold: /<w:b\/>/.test(properties),
    italic: /<w:i\/>/.test(properties),
    underline: /<w:u\s[^>]*w:val="single"/.test(properties),
    strike: /<w:strike\/>/.test(properties),
    highlight: /<w:highlight\s/.test(properties),
  };
}

/** The paragraphs of a part, each as its runs. */
function paragraphs(xml: string): Run[][] {
  return (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((paragraph) =>
    (paragraph.match(/<w:r(?:\s[^>]*)?>[\s\S]*?<\/w:r>/g) ?? []).map(parseRun),
  );
}

const textOf = (runs: readonly Run[]) => runs.map((run) => run.text).join('');

function partsNamed(docx: Buffer, pattern: RegExp): string {
  const files = unzipSync(new Uint8Array(docx));
  return Object.keys(files)
    .filter((name) => pattern.test(name))
    .map((name) => strFromU8(files[name] as Uint8Array))
    .join('');
}

/** The paragraph whose text starts with `prefix`. */
function paragraphStarting(xml: string, prefix: string): Run[] {
  const found = paragraphs(xml).find((runs) => textOf(runs).startsWith(prefix));
  if (!found) throw new Error(`no paragraph starts with ${JSON.stringify(prefix)}`);
  return found;
}

const spec = (): StructureSpec => ({
  preamble: ['The participating states of the Prague Process,'],
  sections: [
    {
      id: 's1',
      title: 'Illegal migration',
      clauses: [
        { id: 'a', text: 'Exchange information on irregular routes.' },
        {
          id: 'b',
          text: [
            { text: 'Develop ' },
            { text: 'joint', bold: true },
            { text: ' training', italic: true },
            { text: ' for border guards', bracketId: 'br-1' },
            { text: '.' },
          ],
        },
      ],
    },
    {
      id: 's2',
      title: 'Return & reintegration',
      clauses: [
        { id: 'c', text: 'Give priority to voluntary return over forced return.' },
        { id: 'd', text: 'Support returnees in their reintegration.' },
      ],
    },
  ],
});

async function versionDocx() {
  const structure = buildStructure(spec());
  const docx = await exportVersionDocx({
    title: 'Action Plan 2012–2016',
    processName: 'Prague Process',
    versionLabel: 'Draft 3 (Poznań)',
    date: '2011-11-04',
    fingerprint: fingerprint(structure),
    structure,
    statuses: { c: 'agreed', d: 'open' },
  });
  return { docx, structure };
}

describe('exportVersionDocx', () => {
  it('writes sections and clauses numbered as text, as in the app', async () => {
    const { docx } = await versionDocx();
    const body = docxPart(docx, 'word/document.xml');
    expect(textOf(paragraphStarting(body, '1. '))).toBe('1. Illegal migration');
    expect(textOf(paragraphStarting(body, '2. '))).toBe('2. Return & reintegration');
    expect(textOf(paragraphStarting(body, '1.1'))).toBe('1.1\tExchange information on irregular routes.');
    expect(textOf(paragraphStarting(body, '2.1'))).toBe(
      '2.1\t[Agreed] Give priority to voluntary return over forced return.',
    );
    expect(textOf(paragraphStarting(body, '2.2'))).toBe('2.2\tSupport returnees in their reintegration.');
    expect(body).not.toContain('<w:numPr>');
    expect(textOf(paragraphs(body).find((runs) => textOf(runs).startsWith('The participating')) ?? [])).toBe(
      'The participating states of the Prague Process,',
    );
  });

  it('keeps bold and italic, and shows brackets as highlighted [ … ]', async () => {
    const { docx } = await versionDocx();
    const runs = paragraphStarting(docxPart(docx, 'word/document.xml'), '1.2');
    expect(textOf(runs)).toBe('1.2\tDevelop joint training[ for border guards].');
    expect(runs.find((run) => run.text === 'joint')).toMatchObject({ bold: true, italic: false });
    expect(runs.find((run) => run.text === ' training')).toMatchObject({ bold: false, italic: true });
    expect(runs.filter((run) => run.highlight).map((run) => run.text)).toEqual([
      '[',
      ' for border guards',
      ']',
    ]);
    expect(runs.find((run) => run.text === '.')?.highlight).toBe(false);
  });

  it('puts the title, version and date in the header, and page numbers and the fingerprint in the footer', async () => {
    const { docx, structure } = await versionDocx();
    const header = paragraphs(partsNamed(docx, /^word\/header\d*\.xml$/)).map(textOf);
    // A calendar date reads as a day for people (issue 13, item 5); moments are in peopleDates.test.ts.
    expect(header).toEqual(['Action Plan 2012–2016', 'Draft 3 (Poznań) — 4 November 2011']);
    const footerXml = partsNamed(docx, /^word\/footer\d*\.xml$/);
    expect(footerXml).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
    expect(footerXml).toMatch(/<w:instrText[^>]*>NUMPAGES<\/w:instrText>/);
    const footer = paragraphs(footerXml).map(textOf);
    expect(footer[0]).toBe('Page  of ');
    expect(footer[1]).toBe(`Prague Process · SHA-256: ${fingerprint(structure)}`);
    expect(await extractFingerprintFromDocx(docx, UPLOAD_LIMITS)).toBe(fingerprint(structure));
  });
});

async function redline(changedOnly: boolean) {
  const before = buildStructure(spec());
  const edited = spec();
  const [first, second] = edited.sections as [
    StructureSpec['sections'][number],
    StructureSpec['sections'][number],
  ];
  first.clauses[0] = { id: 'a', text: 'Exchange information and risk analysis on routes.' };
  second.clauses.push(first.clauses.splice(1, 1)[0] as StructureSpec['sections'][number]['clauses'][number]);
  second.clauses.splice(1, 1);
  first.clauses.push({ id: 'n', text: 'Map the routes.' });
  const after = buildStructure(edited);
  const comparison = compareStructures(
    { structure: before, statuses: {} },
    { structure: after, statuses: { c: 'agreed' } },
    { attribution: { a: ['MD', 'DE'] } },
  );
  const docx = await exportComparisonDocx({
    title: 'Action Plan',
    beforeLabel: 'Draft 2',
    afterLabel: 'Draft 3',
    comparison,
    changedOnly,
    beforeFingerprint: fingerprint(before),
    afterFingerprint: fingerprint(after),
  });
  return docxPart(docx, 'word/document.xml');
}

describe('exportComparisonDocx', () => {
  it('underlines exactly the inserted words and strikes exactly the deleted ones', async () => {
    const runs = paragraphStarting(await redline(false), '1.1');
    expect(textOf(runs)).toBe('1.1\tExchange information and risk analysis on irregular routes.');
    expect(runs.filter((run) => run.underline).map((run) => run.text)).toEqual([' and risk analysis']);
    expect(runs.filter((run) => run.strike).map((run) => run.text)).toEqual([' irregular']);
    expect(runs.some((run) => run.underline && run.strike)).toBe(false);
  });

  it('labels added, removed, moved clauses and status changes, with clause numbers', async () => {
    const body = await redline(false);
    const added = paragraphStarting(body, '1.2');
    expect(textOf(added)).toBe('1.2\t[Added] Map the routes.');
    expect(added.filter((run) => run.underline).map((run) => run.text)).toEqual(['Map the routes.']);
    expect(textOf(paragraphStarting(body, '2.1'))).toBe(
      '2.1\t[Status: Open → Agreed] Give priority to voluntary return over forced return.',
    );
    const removed = paragraphStarting(body, '2.2\t[Removed]');
    expect(removed.filter((run) => run.strike).map((run) => run.text)).toEqual([
      'Support returnees in their reintegration.',
    ]);
    const moved = paragraphStarting(body, '2.2\t[Moved');
    expect(textOf(moved)).toBe('2.2\t[Moved from 1.2] Develop joint training[ for border guards].');
    expect(moved.some((run) => run.underline || run.strike)).toBe(false);
    expect(paragraphs(body).map(textOf)).toContain('Edited by: DE, MD');
  });

  it("labels both halves of a split clause with each other's number", async () => {
    const before = buildStructure(spec());
    const edited = spec();
    edited.sections[1]?.clauses.splice(
      0,
      1,
      { id: 'c', text: 'Give priority to voluntary return.' },
      { id: 'c2', text: 'Prefer it over forced return.' },
    );
    const comparison = compareStructures({ structure: before }, { structure: buildStructure(edited) });
    const docx = await exportComparisonDocx({
      title: 'Action Plan',
      beforeLabel: 'Draft 2',
      afterLabel: 'Draft 3',
      comparison,
      changedOnly: true,
    });
    const body = docxPart(docx, 'word/document.xml');
    const source = paragraphStarting(body, '2.1');
    expect(textOf(source)).toBe(
      '2.1\t[Split into 2.2] Give priority to voluntary return over forced return.',
    );
    expect(source.filter((run) => run.strike).map((run) => run.text)).toEqual([' over forced return']);
    const split = paragraphStarting(body, '2.2');
    expect(textOf(split)).toBe('2.2\t[Split from 2.1] Prefer it over forced return.');
    expect(split.filter((run) => run.underline).map((run) => run.text)).toEqual(['Prefer it ']);
  });

  it('names both versions in the header and leaves unchanged clauses out when asked', async () => {
    const all = await redline(false);
    const changed = await redline(true);
    expect(paragraphs(all).map(textOf)).toContain('1. Illegal migration');
    const texts = paragraphs(changed).map(textOf);
    expect(texts.some((text) => text.startsWith('2.1\t'))).toBe(true); // status change only
    expect(texts.some((text) => text.startsWith('1.1\t'))).toBe(true);
    expect(texts).toContain('Only changed clauses are shown.');
    const unchangedOnly = compareStructures(
      { structure: buildStructure(spec()) },
      { structure: buildStructure(spec()) },
    );
    const quiet = await exportComparisonDocx({
      title: 'Action Plan',
      beforeLabel: 'Draft 2',
      afterLabel: 'Draft 3',
      comparison: unchangedOnly,
      changedOnly: true,
    });
    const quietTexts = paragraphs(docxPart(quiet, 'word/document.xml')).map(textOf);
    expect(quietTexts.some((text) => /^\d+\.\d+\t/.test(text))).toBe(false);
    expect(paragraphs(partsNamed(quiet, /^word\/header\d*\.xml$/)).map(textOf)).toEqual([
      'Action Plan',
      'Comparison: Draft 2 → Draft 3',
    ]);
    expect(await extractFingerprintFromDocx(quiet, UPLOAD_LIMITS)).toBeUndefined();
  });
});
