/**
 * Verifies a received DOCX against the stored versions. The footer's
 * fingerprint is only what the file claims; the verdict comes from the text:
 * the body is read back into a document structure (`docxStructure.ts`), its
 * canonical text hashed (`fingerprint`, the same function versions are
 * fingerprinted with) and looked up.
 *
 * - the text's fingerprint is a stored version's, and the bracket
 *   alternatives and status notes the file shows besides its text are what
 *   the export writes for that version's snapshot → `match` (whatever the
 *   footer says; the answer carries both fingerprints, so a changed footer
 *   shows); the same text with other alternatives or notes is not a match
 *   (`differs` or `unknown`, with a `reason`);
 * - otherwise, the footer names a stored version → `differs`, with the
 *   clause-by-clause comparison of that version (before) and the file's text
 *   (after): the clauses are matched by their printed numbers;
 * - otherwise → `unknown`.
 */
import type { DocumentStructure, DocxVerification, VersionSummary } from '@draftroom/shared';
import { compareStructures } from '../compare/compareStructures';
import { fingerprint } from '../content/structure';
import { FOOTER_PART, FooterFingerprints } from '../export/docxFingerprint';
import { MalformedXmlError, XmlStream } from '../export/xmlStream';
import { type EntrySink, InvalidZipError, readZipEntries, type ZipLimits } from '../export/zipEntries';
import type { VersionRepository } from '../versions/versionStore';
import {
  BodyParagraphReader,
  DEFAULT_DOCX_READ_LIMITS,
  type DocxParagraph,
  type DocxReadLimits,
  StylesReader,
} from './docxParagraphs';
import {
  type DocxExtra,
  type ExtrasSnapshot,
  exportedExtras,
  idsOf,
  readDocxContent,
  sameExtras,
} from './docxStructure';

const DOCUMENT_PART = 'word/document.xml';
const STYLES_PART = 'word/styles.xml';

/** The reason given when a file holds what the export never writes (`ReadDocx.foreign`). */
export const FOREIGN_CONTENT_REASON =
  'This file contains hidden, revision-marked or embedded content, which Draftroom never writes; it cannot be confirmed.';

/** What a DOCX shows: the fingerprint its footer prints, and its body's paragraphs. */
export interface ReadDocx {
  claimedFingerprint: string | undefined;
  /** Undefined when the file is no readable DOCX (not a ZIP, no `word/document.xml`, or malformed XML). */
  paragraphs: DocxParagraph[] | undefined;
  /**
   * The first element (in the body or the styles) that Draftroom's export never writes and that can
   * hide or add visible text (`<w:vanish/>`, `<w:sym>`, `<w:del>`, fields, drawings…): the text read is
   * then not what the file shows, so it never matches.
   */
  foreign?: string;
}

/** The sink that parses `word/document.xml` as it is inflated; `paragraphs` is set when it parsed whole. */
function documentSink(
  limits: DocxReadLimits,
): EntrySink & { paragraphs?: DocxParagraph[]; foreign?: string } {
  const reader = new BodyParagraphReader(limits);
  const stream = new XmlStream(reader, limits);
  let broken = false;
  const sink: EntrySink & { paragraphs?: DocxParagraph[]; foreign?: string } = {
    write: (chunk) =>
      guarded(() => {
        stream.write(chunk);
        sink.foreign ??= reader.foreign;
      }),
    end: () =>
      guarded(() => {
        stream.end();
        sink.paragraphs = reader.paragraphs;
        sink.foreign ??= reader.foreign;
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

/** The sink that reads `word/styles.xml` for hiding properties; a malformed part reads as none. */
function stylesSink(limits: DocxReadLimits): EntrySink & { foreign?: string } {
  const reader = new StylesReader();
  const stream = new XmlStream(reader, limits);
  let broken = false;
  const guarded = (step: () => void) => {
    if (broken) return;
    try {
      step();
    } catch (error) {
      if (!(error instanceof MalformedXmlError)) throw error;
      broken = true;
    }
    sink.foreign ??= reader.foreign;
  };
  const sink: EntrySink & { foreign?: string } = {
    write: (chunk) => guarded(() => stream.write(chunk)),
    end: () => guarded(() => stream.end()),
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
  const styles = stylesSink(docxLimits);
  try {
    await readZipEntries(
      bytes,
      {
        wants: (name) => name === DOCUMENT_PART || name === STYLES_PART || FOOTER_PART.test(name),
        open: (name) => (name === DOCUMENT_PART ? body : name === STYLES_PART ? styles : footers.sink(name)),
      },
      limits,
    );
  } catch (error) {
    if (error instanceof InvalidZipError) return { claimedFingerprint: undefined, paragraphs: undefined };
    throw error;
  }
  const foreign = body.foreign ?? styles.foreign;
  return {
    claimedFingerprint: footers.fingerprint,
    paragraphs: body.paragraphs,
    ...(foreign !== undefined ? { foreign } : {}),
  };
}

/** Where verification looks: the versions one may see, and their structures. */
export interface VersionLookup {
  /** Versions with this fingerprint that the asker may see. */
  byFingerprint(fingerprint: string): Promise<VersionSummary[]>;
  /** A version's stored structure. */
  structureOf(version: VersionSummary): Promise<DocumentStructure | undefined>;
  /** A version's stored negotiation snapshot (statuses, brackets), as its export shows it. */
  snapshotOf(version: VersionSummary): Promise<ExtrasSnapshot | undefined>;
}

/** The reason given when the text is a version's but its alternatives or status notes are not. */
export function extrasDifferReason(version: VersionSummary): string {
  return `Its bracket alternatives or status notes differ from ${version.label}’s.`;
}

/** Whether a file's alternatives and status notes are what the export writes for `version`. */
async function showsSnapshotOf(
  extras: readonly DocxExtra[],
  version: VersionSummary,
  lookup: Pick<VersionLookup, 'structureOf' | 'snapshotOf'>,
): Promise<boolean> {
  const [structure, snapshot] = await Promise.all([lookup.structureOf(version), lookup.snapshotOf(version)]);
  return (
    structure !== undefined &&
    snapshot !== undefined &&
    sameExtras(extras, exportedExtras(structure, snapshot))
  );
}

/** The versions of `versions` whose file shows their snapshot, in their order. */
async function showingSnapshot(
  extras: readonly DocxExtra[],
  versions: readonly VersionSummary[],
  lookup: Pick<VersionLookup, 'structureOf' | 'snapshotOf'>,
): Promise<VersionSummary[]> {
  const shows = await Promise.all(versions.map((version) => showsSnapshotOf(extras, version, lookup)));
  return versions.filter((_version, index) => shows[index]);
}

/** Named versions first: they are what people circulate; checkpoints of the same text follow. */
function namedFirst(versions: VersionSummary[]): VersionSummary[] {
  return [...versions].sort((a, b) => Number(a.kind !== 'named') - Number(b.kind !== 'named'));
}

/** The verdict on a read DOCX. */
export async function verifyReadDocx(read: ReadDocx, lookup: VersionLookup): Promise<DocxVerification> {
  const footer = read.claimedFingerprint ?? null;
  const claimed = footer ? namedFirst(await lookup.byFingerprint(footer)) : [];
  const answer = (fields: Partial<DocxVerification>): DocxVerification => ({
    outcome: 'unknown',
    fingerprint: footer,
    textFingerprint: null,
    matches: [],
    claimed,
    differences: null,
    ...fields,
  });
  if (!read.paragraphs) return answer({});
  // Hidden, revision-marked or embedded content: what the reader read is not what the file shows.
  if (read.foreign !== undefined) return answer({ reason: FOREIGN_CONTENT_REASON });
  const claimedStructure = claimed[0] ? await lookup.structureOf(claimed[0]) : undefined;
  const { structure, extras } = readDocxContent(read.paragraphs, idsOf(claimedStructure));
  const textFingerprint = fingerprint(structure);
  const sameText = namedFirst(await lookup.byFingerprint(textFingerprint));
  const matches = await showingSnapshot(extras, sameText, lookup);
  if (matches.length > 0) return answer({ outcome: 'match', textFingerprint, matches });
  const reason = sameText[0] ? { reason: extrasDifferReason(sameText[0]) } : {};
  if (!claimedStructure) return answer({ textFingerprint, ...reason });
  const differences = compareStructures({ structure: claimedStructure }, { structure });
  return answer({ outcome: 'differs', textFingerprint, differences, ...reason });
}

/**
 * The named versions a public check may name: only when the file holds nothing foreign, its text's
 * fingerprint is the one its footer prints, a named version (not an automatic checkpoint) has it,
 * and the file's bracket alternatives and status notes are what that version's export writes.
 * The text's fingerprint is compared with the footer's before any version is looked up, and no
 * version is compared: a file whose footer names a stored version but whose text differs is
 * answered as fast as any other.
 */
export async function publicMatches(read: ReadDocx, lookup: VersionLookup): Promise<VersionSummary[]> {
  const footer = read.claimedFingerprint;
  if (!footer || !read.paragraphs || read.foreign !== undefined) return [];
  const { structure, extras } = readDocxContent(read.paragraphs, idsOf(undefined));
  const textFingerprint = fingerprint(structure);
  if (textFingerprint !== footer) return [];
  const named = (await lookup.byFingerprint(textFingerprint)).filter((version) => version.kind === 'named');
  return showingSnapshot(extras, named, lookup);
}

/**
 * Which of `versions` `visible` lets through, in their order; `visible` is
 * asked once per document (e.g. whether the asker has a role on it).
 */
export async function visibleVersions<T extends { documentId: string }>(
  versions: readonly T[],
  visible: (documentId: string) => Promise<boolean>,
): Promise<T[]> {
  const documentIds = [...new Set(versions.map((version) => version.documentId))];
  const answers = await Promise.all(documentIds.map(visible));
  const seen = new Set(documentIds.filter((_id, index) => answers[index]));
  return versions.filter((version) => seen.has(version.documentId));
}

/**
 * A `VersionLookup` over the version records, limited to the versions of the
 * documents `visible` lets through. Made for one verification: it asks
 * `visible` once per document and loads each version once.
 */
export function versionLookup(
  versions: Pick<VersionRepository, 'findByFingerprint' | 'load'>,
  visible: (documentId: string) => Promise<boolean>,
): VersionLookup {
  const visibility = new Map<string, Promise<boolean>>();
  const visibleOnce = (documentId: string) => {
    const known = visibility.get(documentId) ?? visible(documentId);
    visibility.set(documentId, known);
    return known;
  };
  const loaded = new Map<string, ReturnType<typeof versions.load>>();
  const load = (version: VersionSummary) => {
    const known = loaded.get(version.id) ?? versions.load(version.documentId, version.id);
    loaded.set(version.id, known);
    return known;
  };
  return {
    byFingerprint: async (value) => visibleVersions(await versions.findByFingerprint(value), visibleOnce),
    structureOf: async (version) => {
      const stored = await load(version);
      return stored ? (JSON.parse(stored.structureJson) as DocumentStructure) : undefined;
    },
    snapshotOf: async (version) => {
      const stored = await load(version);
      return stored ? (JSON.parse(stored.negotiationJson) as ExtrasSnapshot) : undefined;
    },
  };
}
