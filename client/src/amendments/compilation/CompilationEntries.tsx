/**
 * The compilation's body: per section, each clause's number and current
 * text, then its amendments — "AM n", proponent and co-sponsors, a table of
 * two columns (the text as tabled against, deletions struck through | the
 * amendment, insertions underlined), justification and status. Proposed new
 * clauses are numbered "2.3a (new)".
 */
import type { Amendment, Compilation, CompilationClause } from '@draftroom/shared';
import { formatDateTime } from '../../format';
import { RedlineText } from '../../versions/compare/Redline';
import { amendmentSegments } from './amendmentColumns';
import {
  amendmentKindText,
  amendmentStatusText,
  clauseChangedSince,
  cosponsorCodes,
  insertedAfter,
} from './labels';

const GONE_HEADING = 'Clauses no longer in the text';

const isNewClause = (entry: CompilationClause) => entry.number.endsWith('(new)');
const isGoneClause = (entry: CompilationClause) => entry.number.endsWith('(deleted)');

/** The heading an entry is listed under (as the DOCX): "2. Return and readmission", or the gone clauses. */
function sectionHeading(entry: CompilationClause): string {
  if (isGoneClause(entry) || (entry.sectionTitle === '' && isNewClause(entry))) return GONE_HEADING;
  return `${entry.number.split('.')[0]}. ${entry.sectionTitle}`;
}

/** Entries grouped under their section headings, in order. */
function bySection(
  clauses: readonly CompilationClause[],
): { heading: string; entries: CompilationClause[] }[] {
  const groups: { heading: string; entries: CompilationClause[] }[] = [];
  for (const entry of clauses) {
    const heading = sectionHeading(entry);
    const last = groups[groups.length - 1];
    if (last && last.heading === heading) last.entries.push(entry);
    else groups.push({ heading, entries: [entry] });
  }
  return groups;
}

function Columns({ amendment, entryNumber }: { amendment: Amendment; entryNumber: string }) {
  const segments = amendmentSegments(amendment);
  return (
    <table className="compilation-columns" data-testid="compilation-columns">
      <caption className="visually-hidden">
        AM {amendment.number}: the text as tabled against and the amendment
      </caption>
      <thead>
        <tr>
          <th scope="col">Text as tabled against</th>
          <th scope="col">Amendment</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td className="redline" data-testid="compilation-before">
            {amendment.kind === 'insert' ? (
              <p className="compilation-columns__note">
                (New clause after {insertedAfter(amendment, entryNumber)})
              </p>
            ) : (
              <RedlineText segments={segments} view="before" />
            )}
          </td>
          <td className="redline compilation-columns__after" data-testid="compilation-after">
            {amendment.kind === 'delete' ? (
              <p className="compilation-columns__note">(Delete the clause)</p>
            ) : (
              <RedlineText segments={segments} view="after" />
            )}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function AmendmentEntry({ amendment, entry }: { amendment: Amendment; entry: CompilationClause }) {
  const cosponsors = cosponsorCodes(amendment);
  const changed = clauseChangedSince(amendment, entry.currentText, entry.number);
  return (
    <article
      className={`compilation-amendment compilation-amendment--${amendment.status}`}
      data-testid="compilation-amendment"
      data-number={amendment.number}
      aria-labelledby={`am-${amendment.id}`}
    >
      <h5 className="compilation-amendment__title" id={`am-${amendment.id}`}>
        AM {amendment.number}{' '}
        <span className="compilation-amendment__kind">{amendmentKindText(amendment)}</span>
      </h5>
      <p className="compilation-amendment__sponsors">
        Proponent: <strong>{amendment.proponentCode}</strong> ·{' '}
        {cosponsors ? (
          <>
            Co-sponsors: <strong>{cosponsors}</strong>
          </>
        ) : (
          'No co-sponsors'
        )}{' '}
        · Tabled {formatDateTime(amendment.tabledAt)}
      </p>
      {changed ? (
        <p className="compilation-amendment__changed">
          {amendment.baseVersionLabel ? `Tabled against ${amendment.baseVersionLabel}; ` : ''}clause changed
          since.
        </p>
      ) : null}
      <Columns amendment={amendment} entryNumber={entry.number} />
      {amendment.status === 'accepted-as-modified' && amendment.acceptedText !== null ? (
        <p className="compilation-amendment__line">
          <strong>Wording settled:</strong> {amendment.acceptedText}
        </p>
      ) : null}
      <p className="compilation-amendment__line">
        <strong>Justification:</strong> {amendment.justification || <em>none given</em>}
      </p>
      <p className="compilation-amendment__line" data-testid="compilation-status">
        <strong>Status:</strong> {amendmentStatusText(amendment)}
      </p>
    </article>
  );
}

function ClauseEntry({ entry }: { entry: CompilationClause }) {
  const note = isNewClause(entry)
    ? 'Proposed new clause'
    : isGoneClause(entry)
      ? 'No longer in the text'
      : null;
  return (
    <section className="compilation-clause" data-testid="compilation-clause" data-number={entry.number}>
      <h4 className="compilation-clause__number">{entry.number}</h4>
      {note ? (
        <p className="compilation-clause__note">{note}</p>
      ) : (
        <div className="compilation-clause__text">
          {entry.currentText.split('\n').map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a clause's paragraphs are rendered whole
            <p key={index}>{line}</p>
          ))}
        </div>
      )}
      {entry.amendments.map((amendment) => (
        <AmendmentEntry key={amendment.id} amendment={amendment} entry={entry} />
      ))}
    </section>
  );
}

export function CompilationEntries({ compilation }: { compilation: Compilation }) {
  if (compilation.clauses.length === 0) {
    return (
      <p className="page-state" data-testid="compilation-empty">
        No amendments match these filters.
      </p>
    );
  }
  return (
    <div className="compilation-body" data-testid="compilation-body">
      {bySection(compilation.clauses).map((group) => (
        <section key={group.heading} className="compilation-section" aria-label={group.heading}>
          <h3 className="compilation-section__title">{group.heading}</h3>
          {group.entries.map((entry) => (
            <ClauseEntry key={`${entry.clauseId}|${entry.number}`} entry={entry} />
          ))}
        </section>
      ))}
    </div>
  );
}
