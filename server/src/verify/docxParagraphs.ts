/**
 * The paragraphs of a WordprocessingML body (`word/document.xml`) as
 * verification reads them: for each `<w:p>` its style id, its left indent
 * and its visible content in order — text (with `<w:tab/>` as "\t" and line
 * breaks as "\n") and footnote references — with which text is italic.
 *
 * The layout is the one every Word-compatible writer produces (Word,
 * LibreOffice, the `docx` package): runs `<w:r>` inside paragraphs, possibly
 * wrapped in hyperlinks, fields, smart tags or tracked insertions. Deleted
 * text (`<w:del>`, `<w:moveFrom>`, `<w:delText>`), field codes
 * (`<w:instrText>`) and page breaks are not visible text and are left out.
 * Text boxes (paragraphs nested in a paragraph) are not supported: their
 * text is read into the paragraph around them, which makes the document
 * differ, never match by accident.
 *
 * Read in one forward pass of a streaming XML parser (`export/xmlStream.ts`):
 * linear time, and bounded — at most `maxParagraphs` paragraphs and
 * `maxRuns` runs per document (413 past them), elements at most `maxDepth`
 * deep (422). A part that is not well-formed XML reads as no document.
 */
import {
  DocxRefusal,
  MalformedXmlError,
  parseXml,
  type XmlHandlers,
  type XmlLimits,
} from '../export/xmlStream';

/** A piece of a paragraph: text, or a footnote reference (which shows only as its number). */
export type ParagraphPiece = { kind: 'text'; text: string; italic: boolean } | { kind: 'footnote' };

export interface DocxParagraph {
  /** The paragraph style id (`w:pStyle`), e.g. "Title", "Heading2". */
  style?: string;
  /** Left (start) indent in twentieths of a point, when the paragraph sets one. */
  indentLeft?: number;
  pieces: ParagraphPiece[];
}

/** The bounds on reading one document (server settings, see `config.ts`). */
export interface DocxReadLimits extends XmlLimits {
  /** Paragraphs one document may have (`MAX_VERIFY_PARAGRAPHS`, default 20,000; 413 above). */
  maxParagraphs: number;
  /** Runs (`<w:r>`) one document may have (`MAX_VERIFY_RUNS`, default 200,000; 413 above). */
  maxRuns: number;
}

const OFF = new Set(['0', 'false', 'off']);
/**
 * Elements that hide text, add text the reader does not read (symbols,
 * fields, drawings, text boxes, embedded content) or mark revisions: the
 * export never writes them, so a file that has one cannot be vouched for —
 * wherever it stands, properties included. (The hiding properties count
 * unless switched off: `<w:vanish w:val="0"/>`.)
 */
const HIDING_PROPERTIES = new Set(['w:vanish', 'w:specVanish', 'w:webHidden']);
const REVISIONS = new Set([
  'w:del',
  'w:ins',
  'w:moveFrom',
  'w:moveTo',
  'w:delText',
  'w:rPrChange',
  'w:pPrChange',
  'w:sectPrChange',
  'w:numberingChange',
]);
/** Property containers: inside them any formatting is allowed but the hiding properties and revisions. */
const PROPERTIES = new Set(['w:pPr', 'w:rPr', 'w:sectPr']);
/**
 * The content vocabulary (outside property containers) of the export's
 * `word/document.xml` and of a LibreOffice or Word re-save of it: anything
 * else (w:sym, w:fldChar, w:fldSimple, w:instrText, mc:AlternateContent,
 * w:drawing, w:pict, w:txbxContent, w:object, w:altChunk, w:subDoc,
 * w:customXml, w:sdt, w:hyperlink, w:tbl, …) makes the file foreign.
 */
const CONTENT = new Set([
  'w:document',
  'w:body',
  'w:p',
  'w:r',
  'w:t',
  'w:tab',
  'w:br',
  'w:cr',
  'w:noBreakHyphen',
  'w:footnoteReference',
  'w:bookmarkStart',
  'w:bookmarkEnd',
  'w:proofErr',
  'w:lastRenderedPageBreak',
]);

/** Why an element makes the document foreign, or undefined when the export could have written it. */
export function foreignElement(
  name: string,
  attributes: Readonly<Record<string, string>>,
  inProperties: boolean,
): string | undefined {
  if (HIDING_PROPERTIES.has(name)) return OFF.has(attributes['w:val'] ?? '') ? undefined : name;
  if (REVISIONS.has(name)) return name;
  if (inProperties || PROPERTIES.has(name) || CONTENT.has(name)) return undefined;
  return name;
}
/** Elements whose content is not visible text: tracked deletions and moves away. */
const REMOVED = new Set(['w:del', 'w:moveFrom']);
const INDENT = /^-?\d+$/;

/** Counts of open elements of interest (balanced: the parser refuses mismatched tags). */
interface Open {
  paragraph: number;
  paragraphProperties: number;
  removed: number;
  run: number;
  runProperties: number;
  text: number;
}

/** Collects the paragraphs of a body as the parser reports its elements. */
export class BodyParagraphReader implements XmlHandlers {
  readonly paragraphs: DocxParagraph[] = [];
  private readonly counts: Open = {
    paragraph: 0,
    paragraphProperties: 0,
    removed: 0,
    run: 0,
    runProperties: 0,
    text: 0,
  };
  /**
   * The first element found that the export never writes and that can hide or add visible text
   * (`foreignElement`); the paragraphs are then not what the file shows, and it cannot be vouched for.
   */
  foreign: string | undefined;
  /** Open property containers (`w:pPr`, `w:rPr`, `w:sectPr`), anywhere in the part. */
  private properties = 0;
  private paragraph: DocxParagraph = { pieces: [] };
  /** Whether the current paragraph's first `<w:pPr>` was read (only that one counts). */
  private propertiesRead = false;
  private italic = false;
  private runs = 0;

  constructor(private readonly limits: DocxReadLimits) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    this.foreign ??= foreignElement(name, attributes, this.properties > 0);
    if (PROPERTIES.has(name)) this.properties++;
    const open = this.counts;
    if (name === 'w:p') this.openParagraph();
    else if (open.paragraph === 0) return;
    else if (name === 'w:pPr' && open.run === 0) open.paragraphProperties++;
    else if (open.paragraphProperties > 0) this.paragraphProperty(name, attributes);
    else if (REMOVED.has(name)) open.removed++;
    else if (name === 'w:r') this.openRun();
    else if (name === 'w:rPr' && open.run > 0) open.runProperties++;
    else if (open.runProperties > 0) {
      if (name === 'w:i') this.italic = !OFF.has(attributes['w:val'] ?? '');
    } else if (this.inVisibleRun()) this.runContent(name, attributes);
  }

  close(name: string): void {
    if (PROPERTIES.has(name) && this.properties > 0) this.properties--;
    const open = this.counts;
    if (name === 'w:p') {
      open.paragraph--;
      if (open.paragraph === 0) this.paragraphs.push(this.paragraph);
    } else if (open.paragraph === 0) return;
    else if (name === 'w:pPr' && open.paragraphProperties > 0) {
      open.paragraphProperties--;
      if (open.paragraphProperties === 0) this.propertiesRead = true;
    } else if (open.paragraphProperties > 0) return;
    else if (REMOVED.has(name)) open.removed--;
    else if (name === 'w:r') open.run--;
    else if (name === 'w:rPr' && open.run > 0) open.runProperties--;
    else if (name === 'w:t' && open.text > 0) open.text--;
  }

  text(text: string): void {
    if (this.counts.text > 0 && this.inVisibleRun()) this.addText(text);
  }

  private openParagraph(): void {
    this.counts.paragraph++;
    if (this.counts.paragraph > 1) return; // a text box: read into the paragraph around it
    if (this.paragraphs.length >= this.limits.maxParagraphs) {
      throw new DocxRefusal(413, `The document has more than ${this.limits.maxParagraphs} paragraphs.`);
    }
    this.paragraph = { pieces: [] };
    this.propertiesRead = false;
  }

  private openRun(): void {
    this.counts.run++;
    this.italic = false;
    this.runs++;
    if (this.runs > this.limits.maxRuns) {
      throw new DocxRefusal(413, `The document has more than ${this.limits.maxRuns} runs of text.`);
    }
  }

  private paragraphProperty(name: string, attributes: Readonly<Record<string, string>>): void {
    if (this.propertiesRead) return;
    if (name === 'w:pStyle' && this.paragraph.style === undefined) {
      const style = attributes['w:val'];
      if (style !== undefined) this.paragraph.style = style;
    } else if (name === 'w:ind' && this.paragraph.indentLeft === undefined) {
      const indent = attributes['w:left'] ?? attributes['w:start'];
      if (indent !== undefined && INDENT.test(indent)) this.paragraph.indentLeft = Number(indent);
    }
  }

  private inVisibleRun(): boolean {
    const open = this.counts;
    return open.run > 0 && open.removed === 0 && open.runProperties === 0;
  }

  /** Text, tabs, breaks, non-breaking hyphens and footnote references, in order. */
  private runContent(name: string, attributes: Readonly<Record<string, string>>): void {
    if (name === 'w:t') this.counts.text++;
    else if (name === 'w:tab') this.addText('\t');
    else if (name === 'w:cr') this.addText('\n');
    else if (name === 'w:noBreakHyphen') this.addText('\u2011');
    else if (name === 'w:footnoteReference') this.paragraph.pieces.push({ kind: 'footnote' });
    else if (name === 'w:br') {
      const type = attributes['w:type'];
      if (type !== 'page' && type !== 'column') this.addText('\n');
    }
  }

  private addText(value: string): void {
    const pieces = this.paragraph.pieces;
    const last = pieces[pieces.length - 1];
    if (last?.kind === 'text' && last.italic === this.italic) last.text += value;
    else if (value !== '') pieces.push({ kind: 'text', text: value, italic: this.italic });
  }
}

/** The default bounds (the settings' defaults): for tests and tools reading the export's own parts. */
export const DEFAULT_DOCX_READ_LIMITS: DocxReadLimits = {
  maxDepth: 256,
  maxParagraphs: 20_000,
  maxRuns: 200_000,
};

/**
 * The body's paragraphs in document order (headers, footers and footnotes
 * are other parts and are not read), from the whole part as a string.
 * @throws MalformedXmlError when the part is not well-formed XML; DocxRefusal past `limits`
 */
export function bodyParagraphs(documentXml: string, limits = DEFAULT_DOCX_READ_LIMITS): DocxParagraph[] {
  const reader = new BodyParagraphReader(limits);
  parseXml(documentXml, reader, limits);
  return reader.paragraphs;
}

export { DocxRefusal, MalformedXmlError };

/**
 * Reads `word/styles.xml` for a style (or the document defaults) that hides
 * text or marks revisions: a paragraph or character style can hide every
 * run that uses it, which the body alone does not show. The export's styles
 * and a LibreOffice re-save's have none.
 */
export class StylesReader implements XmlHandlers {
  foreign: string | undefined;

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    if (HIDING_PROPERTIES.has(name) || REVISIONS.has(name))
      this.foreign ??= foreignElement(name, attributes, true);
  }

  close(): void {}

  text(): void {}
}
