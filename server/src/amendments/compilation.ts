/**
 * The compilation of amendments: for each clause in document order that has
 * amendments (after the filters), its number and current text, then its
 * amendments in number order; a proposed new clause (`insert`) as an entry
 * of its own, "2.3a (new)", right after the clause it follows (several
 * after one clause: a, b, c… in amendment number order). Amendments to a
 * clause that is no longer in the text come last, under the number the
 * clause had when they were tabled, "2.3 (deleted)".
 *
 * Pure: the live text is read by `readCompilationText`, the amendments by
 * the caller, the filters by `parseCompilationQuery`.
 */
import {
  type Amendment,
  CONTENT_FIELD,
  type Compilation,
  type CompilationClause,
  type CompilationFilters,
  type CompilationSection,
  ID_ATTR,
  NodeName,
  OPEN_AMENDMENT_STATUSES,
} from '@draftroom/shared';
import * as Y from 'yjs';
import { z } from 'zod';
import { type ClauseText, plainText, readClauses } from '../content/outline';
import { BadRequestError } from '../errors';
import { parseBody } from '../http/validation';

/** What the compilation reads of the live text: sections and clauses in document order. */
export interface CompilationText {
  sections: CompilationSection[];
  clauses: ClauseText[];
}

/** The sections (with their titles) and clauses of a Y.Doc, in document order. */
export function readCompilationText(doc: Y.Doc): CompilationText {
  const sections: CompilationSection[] = [];
  for (const block of doc.getXmlFragment(CONTENT_FIELD).toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== NodeName.section) continue;
    const heading = block
      .toArray()
      .find(
        (child): child is Y.XmlElement =>
          child instanceof Y.XmlElement && child.nodeName === NodeName.sectionHeading,
      );
    sections.push({
      id: String(block.getAttribute(ID_ATTR) ?? ''),
      number: String(sections.length + 1),
      title: heading ? plainText(heading) : '',
    });
  }
  return { sections, clauses: readClauses(doc) };
}

const ID_PATTERN = /^[\w.~:-]{1,64}$/;
const CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const compilationQuery = z
  .object({
    section: z.string().regex(ID_PATTERN, 'not a section id').optional(),
    delegation: z.string().regex(CODE_PATTERN, 'not a participant code').optional(),
    open: z.enum(['0', '1', 'true', 'false']).optional(),
  })
  .strict();

/**
 * The filters of `…/amendments/compilation[.docx]?section=&delegation=&open=1`
 * (`open`: `1`/`true` for tabled amendments only, `0`/`false` or absent for
 * all). Checks the section is one of `sectionIds` and the delegation one of
 * the process's participant codes (`participantCodes`).
 * @throws BadRequestError (400) for an unknown parameter, a repeated one, or
 *   a value that is none of the above
 */
export function parseCompilationQuery(
  query: unknown,
  known: { sectionIds: ReadonlySet<string>; participantCodes: ReadonlySet<string> },
): CompilationFilters {
  const parsed = parseBody(compilationQuery, query);
  const filters: CompilationFilters = {};
  if (parsed.section !== undefined) {
    if (!known.sectionIds.has(parsed.section))
      throw new BadRequestError('section: no such section in this document.');
    filters.sectionId = parsed.section;
  }
  if (parsed.delegation !== undefined) {
    const code = [...known.participantCodes].find(
      (candidate) => candidate.toUpperCase() === parsed.delegation?.toUpperCase(),
    );
    if (!code) throw new BadRequestError('delegation: no such participant in this process.');
    filters.participantCode = code;
  }
  if (parsed.open === '1' || parsed.open === 'true') filters.openOnly = true;
  return filters;
}

/** True when an amendment passes the delegation and "open only" filters. */
export function matchesFilters(amendment: Amendment, filters: CompilationFilters): boolean {
  if (filters.openOnly && !OPEN_AMENDMENT_STATUSES.includes(amendment.status)) return false;
  const code = filters.participantCode;
  if (code === undefined) return true;
  return (
    amendment.proponentCode === code ||
    amendment.cosponsors.some((cosponsor) => cosponsor.participantCode === code)
  );
}

/** The letter of the n-th (from 0) new clause after one clause: a, b, … z, aa, ab, … */
export function newClauseLetter(index: number): string {
  let rest = index;
  let letters = '';
  do {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
    rest = Math.floor(rest / 26) - 1;
  } while (rest >= 0);
  return letters;
}

/** The number of a proposed new clause after clause `after`: "2.3a (new)". */
export function newClauseNumber(after: string, index: number): string {
  return `${after}${newClauseLetter(index)} (new)`;
}

export interface CompilationInput {
  documentId: string;
  title: string;
  /** ISO time the compilation is made. */
  generatedAt: string;
  text: CompilationText;
  /** Every amendment of the document (any order). */
  amendments: readonly Amendment[];
  filters: CompilationFilters;
}

/** Where each amendment is listed: under a clause of the text, as a new clause, or under a gone clause. */
interface Placement {
  /** Clause id → its `modify`/`delete` amendments and accepted `insert`s that created it. */
  onClause: Map<string, Amendment[]>;
  /** Clause id → the `insert` amendments proposing a clause after it (not created in the text). */
  newAfter: Map<string, Amendment[]>;
}

function push(map: Map<string, Amendment[]>, key: string, amendment: Amendment): void {
  const list = map.get(key);
  if (list) list.push(amendment);
  else map.set(key, [amendment]);
}

function place(amendments: readonly Amendment[], present: ReadonlySet<string>): Placement {
  const placement: Placement = { onClause: new Map(), newAfter: new Map() };
  const ordered = [...amendments].sort((a, b) => a.number - b.number);
  for (const amendment of ordered) {
    if (amendment.kind !== 'insert') push(placement.onClause, amendment.clauseId, amendment);
    else if (amendment.createdClauseId && present.has(amendment.createdClauseId))
      push(placement.onClause, amendment.createdClauseId, amendment);
    else push(placement.newAfter, amendment.clauseId, amendment);
  }
  return placement;
}

/**
 * The compilation of `amendments` against the live `text`. Letters of new
 * clauses are given before filtering, so "2.3b (new)" names the same
 * proposal whatever the filters. With a section filter, amendments to
 * clauses no longer in the text are left out (their section is unknown).
 */
export function buildCompilation(input: CompilationInput): Compilation {
  const { text, filters } = input;
  const present = new Set(text.clauses.map((clause) => clause.id));
  const { onClause, newAfter } = place(input.amendments, present);
  const titles = new Map(text.sections.map((section) => [section.id, section.title]));
  const clauses: CompilationClause[] = [];
  const add = (entry: CompilationClause, amendments: readonly Amendment[]) => {
    const shown = amendments.filter((amendment) => matchesFilters(amendment, filters));
    if (shown.length > 0) clauses.push({ ...entry, amendments: shown });
  };
  const addNewClauses = (after: string, number: string, sectionTitle: string) => {
    (newAfter.get(after) ?? []).forEach((amendment, index) => {
      const entry = { clauseId: after, number: newClauseNumber(number, index), sectionTitle };
      add({ ...entry, currentText: '', amendments: [] }, [amendment]);
    });
  };
  for (const clause of text.clauses) {
    if (filters.sectionId !== undefined && clause.sectionId !== filters.sectionId) continue;
    const sectionTitle = titles.get(clause.sectionId) ?? '';
    const entry = { clauseId: clause.id, number: clause.number, sectionTitle, currentText: clause.text };
    add({ ...entry, amendments: [] }, onClause.get(clause.id) ?? []);
    addNewClauses(clause.id, clause.number, sectionTitle);
  }
  if (filters.sectionId === undefined) {
    const gone = new Set([...onClause.keys(), ...newAfter.keys()].filter((id) => !present.has(id)));
    const goneOrder = [...gone].sort(
      (a, b) => firstNumber(a, onClause, newAfter) - firstNumber(b, onClause, newAfter),
    );
    for (const clauseId of goneOrder) {
      const number = clauseNumberOf(clauseId, onClause, newAfter);
      const entry = { clauseId, number: `${number} (deleted)`, sectionTitle: '', currentText: '' };
      add({ ...entry, amendments: [] }, onClause.get(clauseId) ?? []);
      addNewClauses(clauseId, number, '');
    }
  }
  return {
    documentId: input.documentId,
    title: input.title,
    generatedAt: input.generatedAt,
    filters,
    clauses,
    sections: text.sections,
  };
}

function amendmentsTo(clauseId: string, onClause: Placement['onClause'], newAfter: Placement['newAfter']) {
  return [...(onClause.get(clauseId) ?? []), ...(newAfter.get(clauseId) ?? [])];
}

/** The lowest amendment number about a clause no longer in the text: orders such clauses. */
function firstNumber(clauseId: string, onClause: Placement['onClause'], newAfter: Placement['newAfter']) {
  return Math.min(...amendmentsTo(clauseId, onClause, newAfter).map((amendment) => amendment.number));
}

/** The number a clause no longer in the text had, as its first amendment recorded it. */
function clauseNumberOf(clauseId: string, onClause: Placement['onClause'], newAfter: Placement['newAfter']) {
  const [first] = amendmentsTo(clauseId, onClause, newAfter).sort((a, b) => a.number - b.number);
  return first?.clauseNumber ?? '?';
}
