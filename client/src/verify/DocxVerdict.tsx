/**
 * The verdict on a received DOCX (`POST /api/verify/docx`), judged on its
 * text, not on the fingerprint its footer prints:
 * - "Genuine: the text is exactly <version>" — with a warning when the footer
 *   was changed or carries no fingerprint;
 * - "Claims to be <version>, but its text differs" — and the clauses that
 *   differ, as a redline against that version;
 * - "No version matches".
 */
import type {
  ClauseComparison,
  DocumentComparison,
  DocumentSummary,
  DocxVerification,
  VersionSummary,
} from '@draftroom/shared';
import { formatDateTime } from '../format';
import { InlineRedline } from '../versions/compare/Redline';
import { SealIcon } from '../versions/icons';
import { VersionMatch } from './VersionMatch';

export type DocxVerdict = DocxVerification;

interface VerdictProps {
  source: string;
  verdict: DocxVerdict;
  documents: DocumentSummary[];
}

/** The clauses of a comparison that are not word for word the same, in order. */
export function differingClauses(comparison: DocumentComparison | null): ClauseComparison[] {
  return (comparison?.sections ?? []).flatMap((section) =>
    section.clauses.filter((clause) => clause.change !== 'unchanged' || clause.moved),
  );
}

const titleIn = (documents: DocumentSummary[], documentId: string) =>
  documents.find((document) => document.id === documentId)?.title ?? 'a Draftroom document';

/** A note on the footer of a file whose text matches: unchanged, changed, or missing. */
function FooterNote({ verdict }: { verdict: DocxVerdict }) {
  if (verdict.fingerprint === verdict.textFingerprint) return null;
  if (verdict.fingerprint === null) {
    return (
      <p className="verify-outcome__warning" data-testid="verify-footer-note">
        Its footer carries no Draftroom fingerprint. The text was checked on its own.
      </p>
    );
  }
  const named = verdict.claimed[0];
  return (
    <p className="verify-outcome__warning" role="alert" data-testid="verify-footer-note">
      Warning: the fingerprint printed in its footer has been changed.
      {named ? ` The footer claims “${named.label}”, which this text is not.` : ' It names no version.'} Do
      not rely on the footer of this file.
    </p>
  );
}

function MatchVerdict({ verdict, documents }: Omit<VerdictProps, 'source'>) {
  const [first] = verdict.matches;
  return (
    <div className="verify-outcome verify-outcome--match" data-testid="verify-outcome" data-outcome="match">
      <h2>
        <SealIcon /> Genuine: the text is exactly “{first?.label}”
      </h2>
      <p>
        Every clause of this file is, word for word, the text of this version of “
        {first ? titleIn(documents, first.documentId) : ''}”.
      </p>
      <FooterNote verdict={verdict} />
      <ul className="verify-matches">
        {verdict.matches.map((version) => (
          <VersionMatch key={version.id} version={version} title={titleIn(documents, version.documentId)} />
        ))}
      </ul>
    </div>
  );
}

function DiffersVerdict({ verdict, documents }: Omit<VerdictProps, 'source'>) {
  const claimed = verdict.claimed[0] as VersionSummary;
  const clauses = differingClauses(verdict.differences);
  const preamble = verdict.differences?.preamble.changed ?? false;
  const where = clauses.map((clause) => clause.afterNumber ?? clause.beforeNumber ?? '').join(', ');
  return (
    <div
      className="verify-outcome verify-outcome--differs"
      data-testid="verify-outcome"
      data-outcome="differs"
    >
      <h2>Claims to be “{claimed.label}”, but its text differs</h2>
      <p>
        The footer names “{claimed.label}” of “{titleIn(documents, claimed.documentId)}”, saved{' '}
        {formatDateTime(claimed.createdAt)}. This file’s text is not that version’s:{' '}
        {clauses.length === 1 ? `clause ${where} differs` : `${clauses.length} clauses differ (${where})`}
        {preamble ? ', and the preamble' : ''}.
      </p>
      <p className="verify-outcome__detail">
        Below, the version’s text with this file’s changes: words added in the file underlined, words removed
        struck through.
      </p>
      <ol className="verify-differences" data-testid="verify-differences">
        {preamble && verdict.differences ? (
          <li className="verify-difference">
            <span className="verify-difference__number">Preamble</span>
            <InlineRedline segments={verdict.differences.preamble.redline} />
          </li>
        ) : null}
        {clauses.map((clause) => (
          <li key={clause.clauseId} className="verify-difference" data-testid="verify-difference">
            <span className="verify-difference__number">
              {clause.afterNumber ?? clause.beforeNumber}
              {clause.moved ? ` (in the version: ${clause.beforeNumber ?? 'absent'})` : ''}
              {clause.change === 'removed' ? ' (missing from the file)' : ''}
              {clause.change === 'added' ? ' (not in the version)' : ''}
            </span>
            <InlineRedline segments={clause.redline} />
          </li>
        ))}
      </ol>
      <ul className="verify-matches">
        <VersionMatch version={claimed} title={titleIn(documents, claimed.documentId)} />
      </ul>
    </div>
  );
}

export function DocxVerdictView({ source, verdict, documents }: VerdictProps) {
  if (verdict.outcome === 'match') return <MatchVerdict verdict={verdict} documents={documents} />;
  if (verdict.outcome === 'differs' && verdict.claimed.length > 0) {
    return <DiffersVerdict verdict={verdict} documents={documents} />;
  }
  return (
    <div className="verify-outcome verify-outcome--none" data-testid="verify-outcome" data-outcome="unknown">
      <h2>{verdict.reason ? 'This file cannot be confirmed' : 'No version matches'}</h2>
      {verdict.reason ? <p data-testid="verify-reason">{verdict.reason}</p> : null}
      <p>
        The text of “{source}” is not the text of any version you can see in Draftroom
        {verdict.fingerprint ? ', and the fingerprint in its footer names none' : ''}. It may have been
        edited, or come from a document you have no access to.
      </p>
      {verdict.textFingerprint === null ? (
        <p className="verify-outcome__detail">No document text could be read from this file.</p>
      ) : null}
    </div>
  );
}
