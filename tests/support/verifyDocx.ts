/**
 * Helpers for the verification tests: a structure with every kind of block
 * the exports write, a DOCX edited the way a forger would (text in
 * `word/document.xml`, the footer), and LibreOffice re-saving a file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentStructure } from '@draftroom/shared';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildStructure } from '../../server/src/compare/fixtures';

/** A document with a preamble heading and list, bold, italic, brackets, lists and line breaks in clauses. */
export function richStructure(): DocumentStructure {
  const structure = buildStructure({
    sections: [
      {
        id: 's1',
        title: 'Preventing & fighting <illegal> migration',
        clauses: [
          { id: 'a', text: 'Exchange information on routes.' },
          {
            id: 'b',
            text: [
              { text: 'Develop ' },
              { text: 'joint', bold: true },
              { text: ' training ' },
              { text: 'for border guards', bracketId: 'br-1' },
              { text: ' and ' },
              { text: 'coast guards', italic: true },
              { text: '.\nA second line after a break.' },
            ],
          },
          {
            id: 'c',
            text: [
              { kind: 'paragraph', runs: [{ text: 'Measures:' }] },
              { kind: 'bulletItem', level: 1, runs: [{ text: 'first measure' }] },
              { kind: 'bulletItem', level: 2, runs: [{ text: 'nested measure' }] },
              { kind: 'paragraph', level: 2, runs: [{ text: 'more on the nested measure' }] },
              { kind: 'orderedItem', level: 1, runs: [{ text: 'numbered step' }] },
              { kind: 'orderedItem', level: 1, runs: [{ text: 'next step' }] },
              { kind: 'paragraph', runs: [] },
              { kind: 'paragraph', runs: [{ text: 'Closing words.' }] },
            ],
          },
        ],
      },
      {
        id: 's2',
        title: 'Return and readmission',
        clauses: [
          { id: 'd', text: 'Give priority to voluntary return over forced return.' },
          { id: 'e', text: '' },
        ],
      },
    ],
  });
  structure.preamble = [
    { kind: 'heading', level: 1, runs: [{ text: 'Preamble' }] },
    { kind: 'paragraph', runs: [{ text: 'The Ministers, ' }, { text: 'recalling', italic: true }] },
    { kind: 'bulletItem', level: 1, runs: [{ text: 'the Prague Declaration' }] },
    { kind: 'paragraph', level: 1, runs: [{ text: 'of 28 April 2009' }] },
  ];
  return structure;
}

/** The text of a part of a DOCX. */
export function docxPart(docx: Uint8Array, part: string): string {
  const entry = unzipSync(docx)[part];
  if (!entry) throw new Error(`no ${part} in the DOCX`);
  return strFromU8(entry);
}

/** The same archive with `edit` applied to the parts whose names pass `parts`. */
export function editDocx(docx: Uint8Array, parts: RegExp, edit: (xml: string) => string): Uint8Array {
  const files = unzipSync(docx);
  let edited = 0;
  for (const name of Object.keys(files)) {
    const entry = files[name];
    if (!entry || !parts.test(name)) continue;
    const before = strFromU8(entry);
    const after = edit(before);
    if (after !== before) edited++;
    files[name] = strToU8(after);
  }
  if (edited === 0) throw new Error(`the edit changed none of the parts ${parts}`);
  return zipSync(files);
}

export const DOCUMENT_PART = /^word\/document\.xml$/;
export const FOOTER_PARTS = /^word\/footer\d*\.xml$/;

/**
 * True when LibreOffice (`soffice`) is installed — or required: `npm test`
 * installs it and sets DRAFTROOM_REQUIRE_LIBREOFFICE=1, so there its tests run
 * (and fail if it is missing) instead of being skipped.
 */
export function hasLibreOffice(): boolean {
  if (process.env.DRAFTROOM_REQUIRE_LIBREOFFICE === '1') return true;
  return spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).status === 0;
}

/**
 * Converts a file with LibreOffice headless (`soffice --convert-to`), e.g.
 * `docx:MS Word 2007 XML` to re-save a DOCX, or `fodt` for flat ODF.
 * @throws when the conversion fails
 */
export function convertWithLibreOffice(input: Uint8Array, from: string, to: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'draftroom-lo-'));
  try {
    const source = join(dir, 'in', `file.${from}`);
    const outDir = join(dir, 'out');
    spawnSync('mkdir', ['-p', join(dir, 'in'), outDir]);
    writeFileSync(source, input);
    const run = spawnSync(
      'soffice',
      [
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--headless',
        '--convert-to',
        to,
        '--outdir',
        outDir,
        source,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const extension = to.split(':')[0] ?? to;
    const output = join(outDir, `file.${extension}`);
    if (run.status !== 0 || !existsSync(output)) {
      throw new Error(`LibreOffice could not convert to ${to}: ${run.stderr || run.stdout}`);
    }
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
