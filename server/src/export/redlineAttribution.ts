/**
 * What a comparison DOCX needs besides the comparison: the author and date
 * of the tracked changes in each clause, and who proposed each bracket
 * alternative — read from the clause edit log, the participants and the
 * bracket records.
 */
import type { Bracket } from '@draftroom/shared';
import type { ComparableDocument } from '../compare/types';
import type { VersionRepository } from '../versions/versionStore';
import type { ParticipantLabel } from './bracketSources';
import { type RevisionOf, revisionAuthor } from './redlineWriters';

/**
 * The revision of a clause's changes between two points of the update log:
 * the delegations that edited it (by name, "Hungary (HU)") and the time the
 * last of them did. Without a recorded edit (the preamble, section titles,
 * a restored version): "Draftroom" at `fallbackDate`. Reads the clause edit
 * log once (update ids exclusive after, inclusive up to); resolves with the
 * lookup by clause id.
 */
export async function revisionsBetween(
  versions: Pick<VersionRepository, 'clauseEdits'>,
  documentId: string,
  range: { afterUpdateId: number; upToUpdateId: number },
  label: ParticipantLabel,
  fallbackDate: string,
): Promise<RevisionOf> {
  const edits = await versions.clauseEdits(documentId, range.afterUpdateId, range.upToUpdateId);
  return (clauseId) => {
    const editors = clauseId === undefined ? [] : (edits[clauseId] ?? []);
    const dates = editors.flatMap((editor) => (editor.lastEditedAt ? [editor.lastEditedAt] : [])).sort();
    return {
      author: revisionAuthor(
        editors.map((editor) => label(editor.code)),
        'Draftroom',
      ),
      date: dates.at(-1) ?? fallbackDate,
    };
  };
}

/** Bracket id → proponent code of each alternative, from the compared sides' snapshots, else the records. */
export function bracketProponents(
  sides: readonly ComparableDocument[],
  records: readonly Pick<Bracket, 'id' | 'alternatives'>[],
): Record<string, string[]> {
  const proponents: Record<string, string[]> = {};
  for (const record of records) {
    proponents[record.id] = record.alternatives.map((alternative) => alternative.proponentCode);
  }
  for (const side of sides) {
    for (const [bracketId, bracket] of Object.entries(side.brackets ?? {})) {
      if (bracket.proponents) proponents[bracketId] = bracket.proponents;
    }
  }
  return proponents;
}
