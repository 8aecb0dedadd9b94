import {
  bracketAlternativeSchema,
  hasXmlForbiddenCharacter,
  newBracketSchema,
  newVersionSchema,
  xmlSafeText,
} from '@draftroom/shared';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { writeOutline } from '../../server/src/content/outline';
import { fingerprint, readDocumentStructure } from '../../server/src/content/structure';
import { exportVersionDocx } from '../../server/src/export';
import { parseXml } from '../../server/src/export/xmlStream';
import { bodyParagraphs } from '../../server/src/verify/docxParagraphs';

/** Characters XML 1.0 does not allow, as a hostile drafter's client can write them into the Y.Doc. */
const HOSTILE = 'Train\uFFFF border\u0001 guards\uFFFE and \uD800 police.';

function wellFormed(xml: string): void {
  parseXml(xml, { open: () => {}, close: () => {}, text: () => {} }, { maxDepth: 256 });
}

describe('characters XML 1.0 does not allow', () => {
  it('are found and replaced by U+FFFD, keeping tab, newline, astral characters and everything else', () => {
    expect(hasXmlForbiddenCharacter('a\tb\nc\r😀 č')).toBe(false);
    for (const bad of ['\uFFFF', '\uFFFE', '\u0000', '\u001F', '\uD800', '\uDC00x']) {
      expect(hasXmlForbiddenCharacter(`ok${bad}`)).toBe(true);
    }
    expect(xmlSafeText(HOSTILE)).toBe('Train\uFFFD border\uFFFD guards\uFFFD and \uFFFD police.');
  });

  it('are refused in bracket alternatives and version labels and notes (the REST schemas)', () => {
    expect(bracketAlternativeSchema.safeParse({ text: 'fine \uFFFF' }).success).toBe(false);
    const bracket = { id: 'br-abcdef', clauseId: 'c', anchor: { start: 'AA==', end: 'AA==', quote: 'a' } };
    expect(newBracketSchema.safeParse({ ...bracket, alternatives: ['a', 'b'] }).success).toBe(true);
    expect(newBracketSchema.safeParse({ ...bracket, alternatives: ['a', 'b\u0001'] }).success).toBe(false);
    expect(
      newBracketSchema.safeParse({ ...bracket, anchor: { ...bracket.anchor, quote: 'a\uFFFF' } }).success,
    ).toBe(false);
    expect(newVersionSchema.safeParse({ label: 'Rev.\uFFFE 2' }).success).toBe(false);
    expect(newVersionSchema.safeParse({ label: 'Rev. 2', note: '\uDC00' }).success).toBe(false);
    expect(newVersionSchema.safeParse({ label: 'Rev. 2 😀', note: 'a\nb' }).success).toBe(true);
  });

  it('in clause text written into the Y.Doc, export to a DOCX whose parts are well-formed XML', async () => {
    const doc = new Y.Doc();
    writeOutline(doc, {
      preamble: { heading: 'Preamble\uFFFF', paragraphs: ['Recalling\u0002 the Declaration,'] },
      sections: [{ title: 'Illegal\uFFFE migration', clauses: [HOSTILE] }],
    });
    const structure = readDocumentStructure(doc);
    const docx = await exportVersionDocx({
      title: 'Action\uFFFF Plan',
      processName: 'Prague\u0003 Process',
      versionLabel: 'Rev.\uFFFF 2',
      date: '2026-11-30T00:53:43.935Z',
      fingerprint: fingerprint(structure),
      structure,
      brackets: new Map([
        [
          'br-1',
          [
            { text: 'x', proponent: 'HU' },
            { text: 'y\uFFFF', proponent: 'CZ\u0001' },
          ],
        ],
      ]),
    });
    const files = unzipSync(docx);
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith('.xml') || name.endsWith('.rels')) wellFormed(strFromU8(bytes));
    }
    const documentXml = strFromU8(files['word/document.xml'] ?? new Uint8Array());
    const text = bodyParagraphs(documentXml)
      .flatMap((paragraph) => paragraph.pieces.map((piece) => (piece.kind === 'text' ? piece.text : '')))
      .join('\n');
    // Nothing silently lost: each character became U+FFFD.
    expect(text).toContain('Train\uFFFD border\uFFFD guards\uFFFD and \uFFFD police.');
  });
});
