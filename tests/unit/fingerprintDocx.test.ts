import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { configWith } from '../../server/src/config';
import { extractFingerprintFromDocx as extract } from '../../server/src/export';
import { uploadLimitsOf } from '../../server/src/export/uploadLimits';
import { readZipTextEntries } from '../../server/src/export/zipEntries';

const LIMITS = uploadLimitsOf(configWith({}));
const extractFingerprintFromDocx = (file: Uint8Array) => extract(file, LIMITS);

const HASH = 'a3f1c2b7d9e04f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c';

const footer = (paragraphs: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${paragraphs}</w:ftr>`;

function docx(files: Record<string, string>, level: 0 | 6 = 6): Buffer {
  const entries = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]));
  return Buffer.from(zipSync(entries, { level }));
}

describe('extractFingerprintFromDocx', () => {
  it('reads a fingerprint that Word split into several runs, in any footer part', async () => {
    const file = docx({
      'word/document.xml': '<w:document/>',
      'word/footer1.xml': footer('<w:p><w:r><w:t>Page 1</w:t></w:r></w:p>'),
      'word/footer3.xml': footer(
        `<w:p><w:r><w:t xml:space="preserve">Prague Process · SHA-</w:t></w:r><w:proofErr w:type="spellStart"/>` +
          `<w:r><w:rPr><w:sz w:val="14"/></w:rPr><w:t>256: ${HASH.slice(0, 20)}</w:t></w:r>` +
          `<w:r><w:t>${HASH.slice(20).toUpperCase()}</w:t></w:r></w:p>`,
      ),
    });
    expect(await extractFingerprintFromDocx(file)).toBe(HASH);
  });

  it('reads stored (uncompressed) archives too', async () => {
    const file = docx({ 'word/footer1.xml': footer(`<w:p><w:r><w:t>SHA-256: ${HASH}</w:t></w:r></w:p>`) }, 0);
    expect(await extractFingerprintFromDocx(file)).toBe(HASH);
  });

  it('ignores fingerprints outside footers, too short or too long ones, and text across paragraphs', async () => {
    const file = docx({
      'word/document.xml': `<w:document><w:p><w:r><w:t>SHA-256: ${HASH}</w:t></w:r></w:p></w:document>`,
      'word/footer1.xml': footer(
        `<w:p><w:r><w:t>SHA-256: ${HASH.slice(1)}</w:t></w:r></w:p>` +
          `<w:p><w:r><w:t>SHA-256: ${HASH}0</w:t></w:r></w:p>` +
          `<w:p><w:r><w:t>SHA-256:</w:t></w:r></w:p><w:p><w:r><w:t>${HASH}</w:t></w:r></w:p>`,
      ),
    });
    expect(await extractFingerprintFromDocx(file)).toBeUndefined();
  });

  it('returns undefined for a file that is not a ZIP archive', async () => {
    expect(await extractFingerprintFromDocx(Buffer.from('%PDF-1.7 not a docx at all'))).toBeUndefined();
    expect(await extractFingerprintFromDocx(new Uint8Array(0))).toBeUndefined();
  });
});

describe('readZipTextEntries', () => {
  it('reads the selected entries of an archive made by another ZIP writer', async () => {
    const file = docx({ 'a.txt': 'first', 'dir/b.xml': '<b>ünïcödé</b>', 'c.txt': 'third' });
    const entries = await readZipTextEntries(file, (name) => name !== 'c.txt', LIMITS);
    expect([...entries]).toEqual([
      ['a.txt', 'first'],
      ['dir/b.xml', '<b>ünïcödé</b>'],
    ]);
  });
});
