/**
 * Names the version of a received DOCX: reads the fingerprint printed in its
 * footer ("SHA-256: <64 hex>"). The text is joined per paragraph first, so
 * a footer re-saved by Word, which may cut it into several runs, still reads.
 * Footers are parsed as they are inflated (`xmlStream.ts`): one pass, and
 * only each footer's current paragraph is held.
 */
import { MalformedXmlError, parseXml, type XmlHandlers, type XmlLimits, XmlStream } from './xmlStream';
import { type EntrySink, InvalidZipError, readZipEntries, type ZipLimits } from './zipEntries';

/** The footer parts of a DOCX archive. */
export const FOOTER_PART = /^word\/footer\d*\.xml$/;
const FINGERPRINT_PATTERN = /SHA-256:\s*([0-9a-f]{64})(?![0-9a-f])/i;

/** Elements may nest this deep in a footer (the default of `MAX_VERIFY_XML_DEPTH`). */
const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 256 };

/**
 * Hands on the text of each `<w:p>` of a WordprocessingML part (its `<w:t>`
 * text joined; a paragraph nested in it is read into it; an empty
 * `<w:p/>` is not a paragraph here).
 */
export class ParagraphTextReader implements XmlHandlers {
  private paragraphDepth = 0;
  private textDepth = 0;
  private current = '';
  private empty = false;

  constructor(private readonly onParagraph: (text: string) => void) {}

  open(name: string, _attributes: unknown, selfClosing: boolean): void {
    if (name === 'w:p') {
      if (this.paragraphDepth++ === 0) {
        this.current = '';
        this.empty = selfClosing;
      }
    } else if (name === 'w:t' && this.paragraphDepth > 0) this.textDepth++;
  }

  close(name: string): void {
    if (name === 'w:p') {
      if (--this.paragraphDepth === 0 && !this.empty) this.onParagraph(this.current);
    } else if (name === 'w:t' && this.textDepth > 0) this.textDepth--;
  }

  text(text: string): void {
    if (this.textDepth > 0) this.current += text;
  }
}

/**
 * The text of each `<w:p>` of a WordprocessingML part held as a string.
 * @throws MalformedXmlError when it is not well-formed XML
 */
export function paragraphTexts(xml: string, limits = DEFAULT_XML_LIMITS): string[] {
  const texts: string[] = [];
  parseXml(xml, new ParagraphTextReader((text) => texts.push(text)), limits);
  return texts;
}

/** The fingerprint in one paragraph's text, lower-case; undefined if none. */
function fingerprintIn(text: string): string | undefined {
  return FINGERPRINT_PATTERN.exec(text)?.[1]?.toLowerCase();
}

/**
 * Collects, while footer parts stream in, the first fingerprint each one
 * prints; a footer that is not well-formed XML counts as printing none.
 */
export class FooterFingerprints {
  private readonly found = new Map<string, string>();

  constructor(private readonly limits: XmlLimits = DEFAULT_XML_LIMITS) {}

  /** The sink for footer part `name`. */
  sink(name: string): EntrySink {
    let broken = false;
    const stream = new XmlStream(
      new ParagraphTextReader((text) => {
        const match = this.found.has(name) ? undefined : fingerprintIn(text);
        if (match) this.found.set(name, match);
      }),
      this.limits,
    );
    const guarded = (step: () => void) => {
      if (broken) return;
      try {
        step();
      } catch (error) {
        if (!(error instanceof MalformedXmlError)) throw error;
        broken = true;
        this.found.delete(name);
      }
    };
    return { write: (chunk) => guarded(() => stream.write(chunk)), end: () => guarded(() => stream.end()) };
  }

  /** The fingerprint of the first footer (by part name) that prints one, lower-case; undefined if none. */
  get fingerprint(): string | undefined {
    const names = [...this.found.keys()].sort();
    return names[0] === undefined ? undefined : this.found.get(names[0]);
  }
}

/**
 * The fingerprint in the footer of a DOCX exported by Draftroom, lower-case;
 * undefined if there is none or the file is not a readable ZIP archive.
 * @throws ZipRefusal (413/422) when the archive crosses `limits` (a zip bomb); DocxRefusal (422)
 * when a footer's XML nests deeper than `xmlLimits` allows
 */
export async function extractFingerprintFromDocx(
  docx: Uint8Array,
  limits: ZipLimits,
  xmlLimits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<string | undefined> {
  const footers = new FooterFingerprints(xmlLimits);
  try {
    await readZipEntries(
      docx,
      { wants: (name) => FOOTER_PART.test(name), open: (name) => footers.sink(name) },
      limits,
    );
  } catch (error) {
    if (error instanceof InvalidZipError) return undefined;
    throw error;
  }
  return footers.fingerprint;
}
