/**
 * Reads the compilation of amendments DOCX back for the tests: its
 * paragraphs as text, and each two-column table's cells as runs with the
 * marks the compilation uses (strike-through for deletions on the left,
 * bold + underline for insertions on the right).
 */
import { runProperties, runText } from './docxRuns';
import { docxPart } from './verifyDocx';

export interface MarkedRun {
  text: string;
  strike: boolean;
  bold: boolean;
  underline: boolean;
}

export interface AmendmentTable {
  header: [string, string];
  left: MarkedRun[];
  right: MarkedRun[];
}

function runsOf(xml: string): MarkedRun[] {
  return [...xml.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((match) => {
    const run = match[1] ?? '';
    const properties = runProperties(run);
    return {
      text: runText(run),
      strike: /<w:strike\/>/.test(properties),
      bold: /<w:b\/>/.test(properties),
      underline: /<w:u\s/.test(properties),
    };
  });
}

const joined = (runs: readonly MarkedRun[]) => runs.map((run) => run.text).join('');

/** Every paragraph's text outside tables, in order. */
export function paragraphTexts(documentXml: string): string[] {
  const outside = documentXml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  return [...outside.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((match) => joined(runsOf(match[0])));
}

/** Every table of the body: its header row's two texts and the runs of the two cells below. */
export function amendmentTables(documentXml: string): AmendmentTable[] {
  return [...documentXml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((table) => {
    const rows = [...(table[1] ?? '').matchAll(/<w:tr[ >]([\s\S]*?)<\/w:tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((cell) => runsOf(cell[1] ?? '')),
    );
    const [header = [], body = []] = rows;
    return {
      header: [joined(header[0] ?? []), joined(header[1] ?? [])],
      left: body[0] ?? [],
      right: body[1] ?? [],
    };
  });
}

/** The text of `word/document.xml` of a DOCX. */
export function documentXmlOf(docx: Uint8Array): string {
  return docxPart(docx, 'word/document.xml');
}

/** The text a cell's runs with `mark` spell, joined. */
export function markedText(runs: readonly MarkedRun[], mark: (run: MarkedRun) => boolean): string {
  return runs
    .filter(mark)
    .map((run) => run.text)
    .join('');
}

export { joined as cellText };
