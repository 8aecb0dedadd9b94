/**
 * Verifies a received DOCX against the stored versions. The footer's
 * fingerprint is only what the file claims; the verdict comes from the text:
 * the body is read back into a document structure (`docxStructure.ts`), its
 * canonical text hashed (`fingerprint`, the same function versions are
 * fingerprinted with) and looked up.
 *
 * - the text's fingerprint is a stored version's → `match` (whatever the
 *   footer says; the answer carries both fingerprints, so a changed footer
 *   shows);
 * - otherwise, the footer names a stored version → `differs`, with the
 *   clause-by-clause comparison of that version (before) and the file's text
 *   (after): the clauses are matched by their printed numbers;
 * - otherwise → `unknown`.
 */
import type { DocxVerification, VersionSummary } from '@draftroom/shared';
import { compareStructures } from '../compare/compareStructures';
import type { DocumentComparison } from '../compare/types';
import { type DocumentStructure, fingerprint } from '../content/structure';
import { FOOTER_PART, FooterFingerprints } from '../export/docxFingerprint';
import { MalformedXmlError, XmlStream } from '../export/xmlStream';
import { type EntrySink, InvalidZipError, readZipEntries, type ZipLimits } from '../export/zipEntries';
import type { VersionStore } from '../versions/versionStore';
import {
  BodyParagraphReader,
  DEFAULT_DOCX_READ_LIMITS,
  type DocxParagraph,
  type DocxReadLimits,
} from './docxParagraphs';
import { idsOf, readDocxStructure } from './docxStructure';

const DOCUMENT_PART = 'word/document.xml';

/** What a DOCX shows: the fingerprint its footer prints, and its body's paragraphs. */
export interface ReadDocx {
  claimedFingerprint: string | undefined;
  /** Undefined when the file is no readable DOCX (not a ZIP, no `word/document.xml`, or malformed XML). */
  paragraphs: DocxParagraph[] | undefined;
}

/** The sink that parses `word/document.xml` as it is inflated; `paragraphs` is set when it parsed whole. */
function documentSink(limits: DocxReadLimits): EntrySink & { paragraphs?: DocxParagraph[] } {
  const reader = new BodyParagraphReader(limits);
  const stream = new XmlStream(reader, limits);
  let broken = false;
  const sink: EntrySink & { paragraphs?: DocxParagraph[] } = {
    write: (chunk) => guarded(() => stream.write(chunk)),
    end: () =>
      guarded(() => {
        stream.end();
        sink.paragraphs = reader.paragraphs;
      }),
  };
  const guarded = (step: () => void) => {
    if (broken) return;
    try {
      step();
    } catch (error) {
      if (!(error instanceof MalformedXmlError)) throw error;
      broken = true; // read as no document; the rest of the part is still counted, not parsed
    }
  };
  return sink;
}

/**
 * Reads the body and footers of an uploaded DOCX within the upload limits, parsing them as they are
 * inflated (no part is held whole; other parts are never inflated).
 * @throws ZipRefusal (413/422) when the archive crosses `limits` (a zip bomb, a part named twice)
 * @throws DocxRefusal (413/422) when the document crosses `docxLimits` (paragraphs, runs, nesting)
 */
export async function readDocx(
  bytes: Uint8Array,
  limits: ZipLimits,
  docxLimits: DocxReadLimits = DEFAULT_DOCX_READ_LIMITS,
): Promise<ReadDocx> {
  const footers = new FooterFingerprints(docxLimits);
  const body = documentSink(docxLimits);
  try {
    await readZipEntries(
      bytes,
      {
        wants: (name) => name === DOCUMENT_PART || FOOTER_PART.test(name),
        open: (name) => (name === DOCUMENT_PART ? body : footers.sink(name)),
      },
      limits,
    );
  } catch (error) {
    if (error instanceof InvalidZipError) return { claimedFingerprint: undefined, paragraphs: undefined };
    throw error;
  }
  return { claimedFingerprint: footers.fingerprint, paragraphs: body.paragraphs };
}

/** Where verification looks: the versions one may see, and their structures. */
export interface VersionLookup {
  /** Versions with this fingerprint that the asker may see. */
  byFingerprint(fingerprint: string): VersionSummary[];
  /** A version's stored structure. */
  structureOf(version: VersionSummary): DocumentStructure | undefined;
}

/** Named versions first: they are what people circulate; checkpoints of the same text follow. */
function namedFirst(versions: VersionSummary[]): VersionSummary[] {
  return [...versions].sort((a, b) => Number(a.kind !== 'named') - Number(b.kind !== 'named'));
}

/** The verdict on a read DOCX. */
export function verifyReadDocx(read: ReadDocx, lookup: VersionLookup): DocxVerification<DocumentComparison> {
  const footer = read.claimedFingerprint ?? null;
  const claimed = footer ? namedFirst(lookup.byFingerprint(footer)) : [];
  const answer = (
    fields: Partial<DocxVerification<DocumentComparison>>,
  ): DocxVerification<DocumentComparison> => ({
    outcome: 'unknown',
    fingerprint: footer,
    textFingerprint: null,
    matches: [],
    claimed,
    differences: null,
    ...fields,
  });
  if (!read.paragraphs) return answer({});
  const claimedStructure = claimed[0] ? lookup.structureOf(claimed[0]) : undefined;
  const structure = readDocxStructure(read.paragraphs, idsOf(claimedStructure));
  const textFingerprint = fingerprint(structure);
  const matches = namedFirst(lookup.byFingerprint(textFingerprint));
  if (matches.length > 0) return answer({ outcome: 'match', textFingerprint, matches });
  if (!claimedStructure) return answer({ textFingerprint });
  const differences = compareStructures({ structure: claimedStructure }, { structure });
  return answer({ outcome: 'differs', textFingerprint, differences });
}

/** A `VersionLookup` over the version store, limited to the versions `visible` lets through. */
export function versionLookup(
  versions: VersionStore,
  visible: (version: VersionSummary) => boolean,
): VersionLookup {
  return {
    byFingerprint: (value) => versions.findByFingerprint(value).filter(visible),
    structureOf: (version) => {
      const stored = versions.load(version.documentId, version.id);
      return stored ? (JSON.parse(stored.structureJson) as DocumentStructure) : undefined;
    },
  };
}
