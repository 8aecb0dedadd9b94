/**
 * Reads the XML parts of an uploaded DOCX with saxes, a maintained,
 * non-validating streaming parser: one forward pass, so the time is linear in
 * the part's size whatever its tags (the lazy `[\s\S]*?</w:p>` regexes this
 * replaces took quadratic time on never-closed tags: a 478-byte upload held
 * the event loop for 1.7 s). Entities declared in a DTD are not expanded (an
 * unknown entity is malformed XML), so no entity expansion bomb either.
 *
 * Chunks are fed as they are inflated (`zipEntries.ts` hands at most
 * `ENTRY_SLICE_BYTES`, 64 KiB, at a time and yields to the event loop between
 * them, so a large part never holds the loop for long). Elements may
 * nest at most `maxDepth` deep (a never-closed `<w:p>` repeated nests
 * without end): past it the part is refused (422).
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

/** What a reader of one XML part is told, in document order. */
export interface XmlHandlers {
  /** An element opens (`selfClosing`: it closes at once, `close` follows). Attribute names keep their prefix. */
  open(name: string, attributes: Readonly<Record<string, string>>, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data (entities decoded), possibly in several pieces. */
  text(text: string): void;
}

/** The bound on reading one XML part (`MAX_VERIFY_XML_DEPTH`, default 256). */
export interface XmlLimits {
  /** Elements open at once, at most (Word's deepest tables in tables stay far below 100). */
  maxDepth: number;
}

/** Why an uploaded document's XML is refused: 413 (too much of something) or 422 (not a plausible DOCX). */
export class DocxRefusal extends Error {
  constructor(
    readonly status: 413 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'DocxRefusal';
  }
}

/** The part is not well-formed XML (a torn or hand-made file): it is read as no document at all. */
export class MalformedXmlError extends Error {
  constructor(reason: string) {
    super(`Malformed XML: ${reason}`);
    this.name = 'MalformedXmlError';
  }
}

/** A streaming parse of one XML part into `handlers`. */
export class XmlStream {
  private readonly parser = new SaxesParser({ position: false, xmlns: false });
  private readonly decoder = new StringDecoder('utf8');
  private depth = 0;

  constructor(handlers: XmlHandlers, limits: XmlLimits) {
    this.parser.on('opentag', (tag) => {
      this.depth++;
      if (this.depth > limits.maxDepth) {
        throw new DocxRefusal(
          422,
          `Not a plausible DOCX: its XML nests more than ${limits.maxDepth} elements deep.`,
        );
      }
      handlers.open(tag.name, tag.attributes as Record<string, string>, tag.isSelfClosing);
    });
    this.parser.on('closetag', (tag) => {
      this.depth--;
      handlers.close(tag.name);
    });
    this.parser.on('text', (text) => handlers.text(text));
    this.parser.on('cdata', (text) => handlers.text(text));
    // The first well-formedness error ends the part (saxes would go on guessing, one error per open tag).
    this.parser.on('error', (error) => {
      throw new MalformedXmlError(error.message);
    });
  }

  /**
   * Parses the next bytes (UTF-8; a character cut between chunks is kept for the next) or characters.
   * @throws MalformedXmlError, DocxRefusal, or what a handler throws
   */
  write(chunk: Buffer | string): void {
    this.parser.write(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** The end of the part. @throws MalformedXmlError when elements are left open, or as `write` */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.parser.write(rest);
    this.parser.close();
  }
}

/**
 * Parses a whole XML part held as a string (the export's own parts in tests and tools).
 * @throws MalformedXmlError, DocxRefusal, or what a handler throws
 */
export function parseXml(xml: string, handlers: XmlHandlers, limits: XmlLimits): void {
  const stream = new XmlStream(handlers, limits);
  stream.write(xml);
  stream.end();
}
