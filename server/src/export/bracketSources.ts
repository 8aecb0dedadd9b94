/**
 * The alternatives of a version's brackets with their proponents, for the
 * DOCX exports. A version's negotiation snapshot holds each bracket's
 * wordings and (since the exports show them) the proponents' codes; for
 * versions saved before, the proponents come from the bracket records,
 * which keep every alternative with its proponent for good.
 */
import type { Bracket, BracketState, Participant } from '@draftroom/shared';
import type { BracketAlternativeNote, BracketNotes } from './bracketRuns';

/** "Hungary (HU)"; the code alone when the participant is unknown. */
export type ParticipantLabel = (code: string) => string;

/** Builds a `ParticipantLabel` from the participants of a process. */
export function participantLabels(
  participants: readonly Pick<Participant, 'code' | 'name'>[],
): ParticipantLabel {
  const names = new Map(participants.map((participant) => [participant.code, participant.name]));
  return (code) => {
    const name = names.get(code);
    return name ? `${name} (${code})` : code;
  };
}

/**
 * Bracket id → alternatives with proponents, from a version's snapshot
 * (`brackets`), completed from the records (`records`) where the snapshot
 * names no proponent. A proponent found nowhere reads "a delegation not
 * recorded".
 */
export function bracketNotesOf(
  brackets: Readonly<Record<string, BracketState>> | undefined,
  records: readonly Pick<Bracket, 'id' | 'alternatives'>[],
  label: ParticipantLabel,
): BracketNotes {
  const recorded = new Map(records.map((record) => [record.id, record.alternatives]));
  const notes = new Map<string, BracketAlternativeNote[]>();
  for (const [bracketId, bracket] of Object.entries(brackets ?? {})) {
    notes.set(
      bracketId,
      bracket.alternatives.map((text, index) => {
        const code = bracket.proponents?.[index] ?? recorded.get(bracketId)?.[index]?.proponentCode;
        return { text, proponent: code ? label(code) : 'a delegation not recorded' };
      }),
    );
  }
  return notes;
}
