/** Bracket requests on real passages of a document's text, built as the client builds them. */
import type { NewBracket } from '@draftroom/shared';
import type * as Y from 'yjs';
import { bracketId } from './negotiationApi';
import { anchorFor, plain } from './negotiationLive';
import { loadStoredDoc } from './rawCollab';
import type { TestServer } from './testServer';
import { clauseElement } from './versionsDoc';

/** The text of the clause's first paragraph. */
export function firstParagraphText(doc: Y.Doc, clauseId: string): Y.XmlText {
  return (clauseElement(doc, clauseId).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/**
 * A bracket request for `words` (first occurrence; default: the paragraph's
 * first word) in the first paragraph of clause `clauseId` of `doc`, with
 * `others` as further wordings after the passage itself.
 */
export function passageIn(doc: Y.Doc, clauseId: string, words?: string, others: string[] = []): NewBracket {
  const text = firstParagraphText(doc, clauseId);
  const content = plain(text);
  const passage = words ?? content.split(' ')[0] ?? '';
  const at = content.indexOf(passage);
  if (at < 0 || passage === '') throw new Error(`"${passage}" is not in clause ${clauseId}`);
  const anchor = anchorFor(text, at, at + passage.length);
  return { id: bracketId(), clauseId, anchor, alternatives: [passage, ...others] };
}

/** passageIn on the document as the server has stored it. */
export function storedPassage(
  server: TestServer,
  clauseId: string,
  words?: string,
  others: string[] = [],
  documentId = server.actionPlanId(),
): NewBracket {
  const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
  try {
    return passageIn(doc, clauseId, words, others);
  } finally {
    doc.destroy();
  }
}

/** The formatted runs of the clause's first paragraph. */
export function runsOf(
  doc: Y.Doc,
  clauseId: string,
): { insert: string; attributes?: Record<string, unknown> }[] {
  return firstParagraphText(doc, clauseId).toDelta() as {
    insert: string;
    attributes?: Record<string, unknown>;
  }[];
}

/** The characters of the clause's first paragraph that carry the bracket `bracketId` ('' when none do). */
export function bracketedText(doc: Y.Doc, clauseId: string, bracketId: string): string {
  return runsOf(doc, clauseId)
    .filter((run) => (run.attributes?.bracket as { id?: string } | undefined)?.id === bracketId)
    .map((run) => run.insert)
    .join('');
}

/**
 * Makes every write of `operation` on `table` fail inside SQLite (a trigger
 * that aborts), like a full disk for that write; returns the undo.
 */
export function failWrites(
  server: TestServer,
  table: string,
  operation: 'INSERT' | 'UPDATE' = 'INSERT',
): () => void {
  const name = `test_fail_${table}_${operation.toLowerCase()}`;
  server.server.db.exec(
    `CREATE TRIGGER ${name} BEFORE ${operation} ON ${table} BEGIN SELECT RAISE(ABORT, 'test: the write fails'); END;`,
  );
  return () => server.server.db.exec(`DROP TRIGGER ${name}`);
}
