import { describe, expect, it } from 'vitest';
import { configWith } from '../../server/src/config';
import { canonicalText, fingerprint } from '../../server/src/content/structure';
import { exportVersionDocx } from '../../server/src/export';
import { uploadLimitsOf } from '../../server/src/export/uploadLimits';
import { idsOf, readDocxStructure } from '../../server/src/verify/docxStructure';
import { readDocx } from '../../server/src/verify/verification';
import {
  convertWithLibreOffice,
  DOCUMENT_PART,
  docxPart,
  editDocx,
  hasLibreOffice,
  richStructure,
} from '../support/verifyDocx';

const LIMITS = uploadLimitsOf(configWith({}));

async function exported() {
  const structure = richStructure();
  const docx = await exportVersionDocx({
    title: 'Action Plan',
    processName: 'Prague Process',
    versionLabel: 'Rev. 2',
    date: '2026-11-30T00:53:43.935Z',
    fingerprint: fingerprint(structure),
    structure,
    statuses: { a: 'agreed', d: 'agreed-ad-referendum' },
    brackets: new Map([
      [
        'br-1',
        [
          { text: 'for border guards', proponent: 'Hungary (HU)' },
          { text: 'for border and coast guards / police', proponent: 'Czech Republic (CZ)' },
        ],
      ],
    ]),
  });
  return { structure, docx };
}

/** The structure read back from a DOCX, with the original's ids. */
async function readBack(docx: Uint8Array, ids = idsOf(richStructure())) {
  const read = await readDocx(docx, LIMITS);
  if (!read.paragraphs) throw new Error('no document text read');
  return { read, structure: readDocxStructure(read.paragraphs, ids) };
}

describe('reading a version DOCX back into its canonical text', () => {
  it('recomputes exactly the fingerprint of the exported version (lists, brackets, statuses, breaks, XML escapes)', async () => {
    const { structure, docx } = await exported();
    const { read, structure: back } = await readBack(docx);
    expect(read.claimedFingerprint).toBe(fingerprint(structure));
    expect(canonicalText(back)).toBe(canonicalText(structure));
    expect(fingerprint(back)).toBe(fingerprint(structure));
    // The alternative and the status notes are shown in the file, yet are not text.
    const body = docxPart(docx, 'word/document.xml');
    expect(body).toContain(' / for border and coast guards / police');
    expect(body).toContain('[Agreed] ');
    expect(back.sections[0]?.clauses.map((clause) => clause.id)).toEqual(['a', 'b', 'c']);
  });

  it('reads an edited clause, a swapped pair of clauses and an edited alternative each as what they are', async () => {
    const { structure, docx } = await exported();
    const edited = editDocx(docx, DOCUMENT_PART, (xml) =>
      xml.replace('voluntary return over forced return', 'forced return over voluntary return'),
    );
    const editedBack = (await readBack(edited)).structure;
    expect(fingerprint(editedBack)).not.toBe(fingerprint(structure));
    expect(editedBack.sections[1]?.clauses[0]?.text).toBe(
      'Give priority to forced return over voluntary return.',
    );

    // Clauses 1.1 and 1.2 swapped, numbers and all: the numbers as printed are read, so the text differs.
    const swapped = editDocx(docx, DOCUMENT_PART, (xml) => {
      const paragraphs = xml.match(/<w:p>[\s\S]*?<\/w:p>/g) ?? [];
      const first = paragraphs.find((p) => p.includes('>1.1<')) ?? '';
      const second = paragraphs.find((p) => p.includes('>1.2<')) ?? '';
      return xml.replace(first, '\u0000').replace(second, first).replace('\u0000', second);
    });
    const swappedBack = (await readBack(swapped)).structure;
    expect(swappedBack.sections[0]?.clauses.map((clause) => clause.number)).toEqual(['1.2', '1.1', '1.3']);
    expect(fingerprint(swappedBack)).not.toBe(fingerprint(structure));

    // An edited alternative is not part of the fingerprinted text (it is the negotiation's, not the text's).
    const otherAlternative = editDocx(docx, DOCUMENT_PART, (xml) =>
      xml.replace('coast guards / police', 'navy'),
    );
    expect(fingerprint((await readBack(otherAlternative)).structure)).toBe(fingerprint(structure));
  });

  it.skipIf(!hasLibreOffice())(
    'recomputes the same fingerprint from the file re-saved by LibreOffice',
    async () => {
      const { structure, docx } = await exported();
      const resaved = convertWithLibreOffice(docx, 'docx', 'docx:MS Word 2007 XML');
      expect(Buffer.compare(resaved, Buffer.from(docx))).not.toBe(0);
      const { read, structure: back } = await readBack(resaved);
      expect(read.claimedFingerprint).toBe(fingerprint(structure));
      expect(canonicalText(back)).toBe(canonicalText(structure));
    },
    180_000,
  );
});
