/**
 * The body paragraphs verification reads, parsed in one forward pass: what
 * is visible text, and the bounds that keep a hostile part cheap.
 */
import { describe, expect, it } from 'vitest';
import { paragraphTexts } from '../../server/src/export/docxFingerprint';
import { DocxRefusal, MalformedXmlError } from '../../server/src/export/xmlStream';
import { bodyParagraphs, DEFAULT_DOCX_READ_LIMITS } from '../../server/src/verify/docxParagraphs';

const body = (inner: string) =>
  `<?xml version="1.0"?><w:document xmlns:w="w"><w:body>${inner}</w:body></w:document>`;

function refusal(work: () => unknown): { status: number; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!(error instanceof DocxRefusal)) throw error;
    return { status: error.status, message: error.message };
  }
}

describe('reading body paragraphs', () => {
  it('reads styles, indents, italic runs, tabs, breaks, footnotes; leaves out deletions, field codes and page breaks', () => {
    const xml = body(
      '<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:ind w:left="720" w:hanging="720"/><w:rPr><w:del w:id="1"/></w:rPr></w:pPr>' +
        '<w:r><w:rPr><w:b/></w:rPr><w:t>1.1</w:t></w:r><w:r><w:tab/></w:r>' +
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">[Agreed] </w:t></w:r>' +
        '<w:r><w:rPr><w:i w:val="0"/></w:rPr><w:t>A &amp; B&#x2019;s</w:t><w:br/><w:t>line</w:t><w:br w:type="page"/></w:r>' +
        '<w:del w:id="2"><w:r><w:delText>gone</w:delText></w:r></w:del><w:ins w:id="3"><w:r><w:t> kept</w:t></w:r></w:ins>' +
        '<w:r><w:instrText>PAGE</w:instrText><w:footnoteReference w:id="4"/></w:r></w:p><w:p/>',
    );
    expect(bodyParagraphs(xml)).toEqual([
      {
        style: 'Heading1',
        indentLeft: 720,
        pieces: [
          { kind: 'text', text: '1.1\t', italic: false },
          { kind: 'text', text: '[Agreed] ', italic: true },
          { kind: 'text', text: 'A & B\u2019s\nline kept', italic: false },
          { kind: 'footnote' },
        ],
      },
      { pieces: [] },
    ]);
  });

  it('refuses tags nested past MAX_VERIFY_XML_DEPTH (never-closed <w:p>, <w:r>, <w:del>) with 422 after reading that far only', () => {
    for (const open of ['<w:p>', '<w:r>', '<w:del>']) {
      const xml = body(`<w:p>${open.repeat(100_000)}`);
      expect(refusal(() => bodyParagraphs(xml))).toMatchObject({
        status: 422,
        message: expect.stringMatching(/nests more than 256/),
      });
    }
  });

  it('refuses more paragraphs or runs than the limits with 413', () => {
    const limits = { ...DEFAULT_DOCX_READ_LIMITS, maxParagraphs: 10, maxRuns: 20 };
    expect(refusal(() => bodyParagraphs(body('<w:p/>'.repeat(11)), limits))).toMatchObject({ status: 413 });
    expect(bodyParagraphs(body('<w:p/>'.repeat(10)), limits)).toHaveLength(10);
    const runs = body(`<w:p>${'<w:r><w:t>x</w:t></w:r>'.repeat(21)}</w:p>`);
    expect(refusal(() => bodyParagraphs(runs, limits))).toMatchObject({ status: 413 });
  });

  it('takes a part cut short, or not XML at all, as malformed (no document), and expands no DTD entity', () => {
    expect(() => bodyParagraphs(body('<w:p><w:r><w:t>x</w:t></w:r>'.repeat(10)).slice(0, -40))).toThrow(
      MalformedXmlError,
    );
    const laughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>`;
    expect(() => bodyParagraphs(laughs)).toThrow(MalformedXmlError);
  });

  it('reads the text per paragraph of other parts (footers, footnotes) the same way', () => {
    const xml = `<w:ftr><w:p><w:r><w:t>SHA-</w:t></w:r><w:r><w:t>256: x</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>2</w:t></w:r></w:p></w:ftr>`;
    expect(paragraphTexts(xml)).toEqual(['SHA-256: x', '2']);
  });
});
