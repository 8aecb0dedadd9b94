import type { ClauseComparison, DocumentComparison, VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import {
  convertWithLibreOffice,
  DOCUMENT_PART,
  editDocx,
  FOOTER_PARTS,
  hasLibreOffice,
} from '../support/verifyDocx';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';

const EDITED_FROM = 'voluntary return over forced return';
const EDITED_TO = 'forced return over voluntary return';

/** The clauses a comparison reports as anything but unchanged. */
function differing(comparison: DocumentComparison | null): ClauseComparison[] {
  return (comparison?.sections ?? []).flatMap((section) =>
    section.clauses.filter((clause) => clause.change !== 'unchanged' || clause.moved),
  );
}

/** Swaps two whole clause paragraphs (their printed numbers with them). */
function swapClauses(xml: string, first: string, second: string): string {
  const paragraphs = xml.match(/<w:p>[\s\S]*?<\/w:p>/g) ?? [];
  const a = paragraphs.find((paragraph) => paragraph.includes(`>${first}<`));
  const b = paragraphs.find((paragraph) => paragraph.includes(`>${second}<`));
  if (!a || !b) throw new Error(`clauses ${first} and ${second} not found`);
  return xml.replace(a, '\u0000').replace(b, a).replace('\u0000', b);
}

describe('verifying a received DOCX by its text (POST /api/verify/docx)', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let rev1: VersionSummary;
  let rev1Docx: Buffer;

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    const [seeded] = expectStatus(await pen.list(), 200);
    if (!seeded) throw new Error('no seeded version');
    rev1 = seeded;
    rev1Docx = (await pen.exportVersion(rev1.id)).bytes;
  });
  afterAll(() => server.dispose());

  it('names the version of an unedited export: text and footer agree', async () => {
    const verdict = expectStatus(await pen.verifyDocx(rev1Docx), 200);
    expect(verdict).toMatchObject({
      outcome: 'match',
      fingerprint: rev1.fingerprint,
      textFingerprint: rev1.fingerprint,
      differences: null,
    });
    expect(verdict.matches.map((version) => version.id)).toEqual([rev1.id]);
    expect(verdict.claimed.map((version) => version.id)).toEqual([rev1.id]);
  });

  it('says a file whose clause text was edited claims to be the version but differs, in exactly that clause', async () => {
    const edited = editDocx(rev1Docx, DOCUMENT_PART, (xml) => xml.replace(EDITED_FROM, EDITED_TO));
    const verdict = expectStatus(await pen.verifyDocx(edited), 200);
    expect(verdict.outcome).toBe('differs');
    expect(verdict.fingerprint).toBe(rev1.fingerprint);
    expect(verdict.textFingerprint).not.toBe(rev1.fingerprint);
    expect(verdict.matches).toEqual([]);
    expect(verdict.claimed.map((version) => version.id)).toEqual([rev1.id]);
    const [clause, ...others] = differing(verdict.differences);
    expect(others).toEqual([]);
    expect(clause).toMatchObject({
      change: 'changed',
      beforeNumber: '2.2',
      afterNumber: '2.2',
      moved: false,
    });
    const deleted = clause?.redline
      .filter((segment) => segment.op === 'delete')
      .map((segment) => segment.text);
    const inserted = clause?.redline
      .filter((segment) => segment.op === 'insert')
      .map((segment) => segment.text);
    expect(deleted?.join('|')).toMatch(/voluntary/);
    expect(inserted?.join('|')).toMatch(/forced/);
    expect(
      clause?.redline
        .filter((segment) => segment.op !== 'insert')
        .map((segment) => segment.text)
        .join(''),
    ).toContain(EDITED_FROM);
  });

  it('reports reordered clauses as moved, against the version the footer names', async () => {
    const reordered = editDocx(rev1Docx, DOCUMENT_PART, (xml) => swapClauses(xml, '1.1', '1.2'));
    const verdict = expectStatus(await pen.verifyDocx(reordered), 200);
    expect(verdict.outcome).toBe('differs');
    const moved = differing(verdict.differences);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((clause) => clause.textChanged === false)).toBe(true);
    expect(moved.some((clause) => clause.moved)).toBe(true);
  });

  it('still names the text when only the footer was edited, showing the footer no longer matches it', async () => {
    const other = '0'.repeat(64);
    const footerEdited = editDocx(rev1Docx, FOOTER_PARTS, (xml) => xml.replace(rev1.fingerprint, other));
    const verdict = expectStatus(await pen.verifyDocx(footerEdited), 200);
    expect(verdict).toMatchObject({
      outcome: 'match',
      fingerprint: other,
      textFingerprint: rev1.fingerprint,
    });
    expect(verdict.matches.map((version) => version.id)).toEqual([rev1.id]);
    expect(verdict.claimed).toEqual([]);

    // Edited text under an edited footer names nothing: unknown.
    const both = editDocx(footerEdited, DOCUMENT_PART, (xml) => xml.replace(EDITED_FROM, EDITED_TO));
    expect(expectStatus(await pen.verifyDocx(both), 200)).toMatchObject({
      outcome: 'unknown',
      fingerprint: other,
      matches: [],
      claimed: [],
      differences: null,
    });
  });

  it.skipIf(!hasLibreOffice())(
    'names the version of the file re-saved by LibreOffice, and finds the edit in an edited, re-saved one',
    async () => {
      const resaved = convertWithLibreOffice(rev1Docx, 'docx', 'docx:MS Word 2007 XML');
      expect(Buffer.compare(resaved, rev1Docx)).not.toBe(0);
      const verdict = expectStatus(await pen.verifyDocx(resaved), 200);
      expect(verdict).toMatchObject({ outcome: 'match', textFingerprint: rev1.fingerprint });
      expect(verdict.matches.map((version) => version.id)).toEqual([rev1.id]);

      const edited = editDocx(rev1Docx, DOCUMENT_PART, (xml) => xml.replace(EDITED_FROM, EDITED_TO));
      const editedResaved = convertWithLibreOffice(edited, 'docx', 'docx:MS Word 2007 XML');
      const editedVerdict = expectStatus(await pen.verifyDocx(editedResaved), 200);
      expect(editedVerdict.outcome).toBe('differs');
      expect(differing(editedVerdict.differences).map((clause) => clause.afterNumber)).toEqual(['2.2']);
    },
    240_000,
  );
});
