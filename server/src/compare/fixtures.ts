/**
 * Document structures for tests and benchmarks: `buildStructure` from a
 * compact description (numbers derived like the editor's), and
 * `makeLargeStructure` / `reviseLargeStructure`, a deterministic generator of
 * long Action Plans and of a later version of them.
 */
import { type Block, clauseNumber, type DocumentStructure, type TextRun } from '@draftroom/shared';
import { blocksText } from '../content/structure';

export interface ClauseSpec {
  id: string;
  /** One paragraph of plain text, or its formatted runs, or several blocks. */
  text: string | TextRun[] | Block[];
}

export interface StructureSpec {
  preamble?: string[];
  sections: { id: string; title: string; clauses: ClauseSpec[] }[];
}

function blocksOf(text: ClauseSpec['text']): Block[] {
  if (typeof text === 'string') return [{ kind: 'paragraph', runs: text === '' ? [] : [{ text }] }];
  if (text.length > 0 && 'runs' in (text[0] as object)) return text as Block[];
  return [{ kind: 'paragraph', runs: text as TextRun[] }];
}

/** A structure from a compact description, numbered by position. */
export function buildStructure(spec: StructureSpec): DocumentStructure {
  return {
    preamble: (spec.preamble ?? []).map((text) => ({ kind: 'paragraph', runs: [{ text }] })),
    sections: spec.sections.map((section, sectionIndex) => ({
      id: section.id,
      number: String(sectionIndex + 1),
      title: section.title,
      clauses: section.clauses.map((clause, clauseIndex) => {
        const blocks = blocksOf(clause.text);
        return {
          id: clause.id,
          number: clauseNumber(sectionIndex, clauseIndex),
          blocks,
          text: blocksText(blocks),
        };
      }),
    })),
  };
}

/** Renumbers a structure after its sections or clauses were rearranged. */
export function renumber(structure: DocumentStructure): DocumentStructure {
  structure.sections.forEach((section, sectionIndex) => {
    section.number = String(sectionIndex + 1);
    section.clauses.forEach((clause, clauseIndex) => {
      clause.number = clauseNumber(sectionIndex, clauseIndex);
    });
  });
  return structure;
}

const VOCABULARY = (
  'strengthen cooperation between participating states on migration border management information ' +
  'exchange risk analysis irregular routes training officials readmission agreements voluntary return ' +
  'reintegration labour mobility skills recognition integration diaspora development protection asylum ' +
  'capacity building trafficking smuggling victims rights dignity data profiles partners regional ' +
  'national authorities support implementation monitoring evaluation report progress the of and in to ' +
  'with for by through including relevant appropriate effective sustainable joint common shared'
).split(' ');

/** A small deterministic pseudo-random generator (mulberry32). */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sentence(random: () => number, words: number): string {
  const picked = Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]);
  const text = picked.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** An Action Plan of `clauses` clauses of about 60 words, in sections of 10, deterministic for a seed. */
export function makeLargeStructure(clauses: number, seed = 1): DocumentStructure {
  const random = randomFrom(seed);
  const sections: StructureSpec['sections'] = [];
  for (let index = 0; index < clauses; index++) {
    if (index % 10 === 0) {
      sections.push({
        id: `sec-${seed}-${sections.length}`,
        title: sentence(random, 5).slice(0, -1),
        clauses: [],
      });
    }
    const text = `${sentence(random, 25)} ${sentence(random, 20)} ${sentence(random, 15)}`;
    sections[sections.length - 1]?.clauses.push({ id: `cl-${seed}-${index}`, text });
  }
  return buildStructure({ preamble: [sentence(random, 40), sentence(random, 30)], sections });
}

function editWords(text: string, random: () => number): string {
  const words = text.split(' ');
  for (let edit = 0; edit < 3; edit++) {
    const at = Math.floor(random() * words.length);
    const word = VOCABULARY[Math.floor(random() * VOCABULARY.length)] as string;
    if (random() < 0.5) words.splice(at, 1, word);
    else words.splice(at, 0, word);
  }
  return words.join(' ');
}

/**
 * A later version of a large structure: about one clause in ten edited
 * (a few words), one clause in forty removed, two clauses added, one moved.
 */
export function reviseLargeStructure(structure: DocumentStructure, seed = 2): DocumentStructure {
  const random = randomFrom(seed);
  const revised: DocumentStructure = structuredClone(structure);
  let added = 0;
  for (const section of revised.sections) {
    section.clauses = section.clauses.filter(() => random() >= 0.025);
    for (const clause of section.clauses) {
      if (random() >= 0.1) continue;
      const text = editWords(clause.text, random);
      clause.blocks = [{ kind: 'paragraph', runs: [{ text }] }];
      clause.text = text;
    }
    if (added < 2 && random() < 0.2) {
      const text = sentence(random, 60);
      const blocks: Block[] = [{ kind: 'paragraph', runs: [{ text }] }];
      section.clauses.splice(1, 0, { id: `cl-new-${seed}-${added++}`, number: '', blocks, text });
    }
  }
  const [first, last] = [revised.sections[0], revised.sections[revised.sections.length - 1]];
  const moving = first?.clauses.shift();
  if (moving && last) last.clauses.push(moving);
  return renumber(revised);
}
