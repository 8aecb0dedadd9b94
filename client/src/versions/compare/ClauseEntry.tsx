/**
 * One clause of a comparison: its number(s), what happened to it (added,
 * removed, moved, split, renumbered), its redline, status, bracket and
 * position changes, and the delegations that edited it.
 */
import type { BracketChange, ClauseComparison, PositionChange } from '@draftroom/shared';
import {
  type ClauseNumbers,
  changeTags,
  clauseAnchor,
  clauseHasChanges,
  numberLabel,
  positionLabel,
  statusLabel,
} from './model';
import { InlineRedline, SideBySideRedline } from './Redline';

export type CompareView = 'inline' | 'side-by-side';

export interface CompareSides {
  before: string;
  after: string;
}

function bracketText(side: BracketChange['before']): string {
  if (!side) return '';
  const options = side.alternatives.filter((option) => option !== side.text);
  return options.length > 0 ? `[${side.text} / ${options.join(' / ')}]` : `[${side.text}]`;
}

function bracketLine(change: BracketChange): string {
  if (change.change === 'added') return `Bracket added: ${bracketText(change.after)}`;
  if (change.change === 'removed') return `Bracket resolved or removed: ${bracketText(change.before)}`;
  return `Bracket changed: ${bracketText(change.before)} → ${bracketText(change.after)}`;
}

function positionLine(change: PositionChange): string {
  if (!change.from && change.to) return `${change.participantCode}: ${positionLabel(change.to)} (new)`;
  if (change.from && !change.to) return `${change.participantCode}: withdrew ${positionLabel(change.from)}`;
  return `${change.participantCode}: ${positionLabel(change.from ?? '')} → ${positionLabel(change.to ?? '')}`;
}

function NegotiationChanges({ clause }: { clause: ClauseComparison }) {
  const lines = [
    ...(clause.statusChange
      ? [`Status: ${statusLabel(clause.statusChange.from)} → ${statusLabel(clause.statusChange.to)}`]
      : []),
    ...(clause.bracketChanges ?? []).map(bracketLine),
    ...(clause.positionChanges ?? []).map(positionLine),
  ];
  if (lines.length === 0) return null;
  return (
    <ul className="clause-diff__negotiation" aria-label="Negotiation changes">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

interface ClauseEntryProps {
  clause: ClauseComparison;
  numbers: ClauseNumbers;
  view: CompareView;
  sides: CompareSides;
  current: boolean;
}

function ClauseText({ clause, view, sides }: Pick<ClauseEntryProps, 'clause' | 'view' | 'sides'>) {
  if (view === 'inline' || !clauseHasChanges(clause)) {
    return <InlineRedline segments={clause.redline} />;
  }
  const added = clause.change === 'added' || clause.change === 'split';
  return (
    <SideBySideRedline
      segments={clause.redline}
      beforeLabel={sides.before}
      afterLabel={sides.after}
      beforeMissing={added && !clause.splitFrom ? `Not in ${sides.before}` : undefined}
      afterMissing={clause.change === 'removed' ? `Not in ${sides.after}` : undefined}
    />
  );
}

export function ClauseEntry({ clause, numbers, view, sides, current }: ClauseEntryProps) {
  const changed = clauseHasChanges(clause);
  const tags = changeTags(clause, numbers);
  const className = [
    'clause-diff',
    `clause-diff--${clause.change}`,
    changed ? 'is-changed' : 'is-unchanged',
    current ? 'is-current' : '',
  ].join(' ');
  return (
    <article
      className={className}
      id={changed ? clauseAnchor(clause.clauseId) : undefined}
      tabIndex={changed ? -1 : undefined}
      data-testid="clause-diff"
      data-clause-id={clause.clauseId}
      data-change={clause.change}
      aria-label={`Clause ${numberLabel(clause.beforeNumber, clause.afterNumber)}`}
    >
      <span className="clause-diff__number" data-testid="clause-diff-number">
        {numberLabel(clause.beforeNumber, clause.afterNumber)}
      </span>
      <div className="clause-diff__body">
        {tags.length > 0 || clause.editedBy?.length ? (
          <div className="clause-diff__tags">
            {tags.map((tag) => (
              <span key={tag.text} className={`change-tag change-tag--${tag.kind}`}>
                {tag.text}
              </span>
            ))}
            {clause.editedBy?.length ? (
              <span className="clause-diff__editors" data-testid="edited-by">
                Edited by: {clause.editedBy.join(', ')}
              </span>
            ) : null}
          </div>
        ) : null}
        <ClauseText clause={clause} view={view} sides={sides} />
        <NegotiationChanges clause={clause} />
      </div>
    </article>
  );
}
