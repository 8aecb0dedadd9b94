/** The answer of a verification: the matching version(s), or why nothing matches. */
import type { DocumentSummary, FingerprintVerification } from '@draftroom/shared';
import { VersionMatch } from '../verify/VersionMatch';
import { SealIcon } from './icons';

interface VerifyResultViewProps {
  result: FingerprintVerification;
  documents: DocumentSummary[];
}

export function VerifyResultView({ result, documents }: VerifyResultViewProps) {
  const titleOf = (documentId: string) =>
    documents.find((document) => document.id === documentId)?.title ?? 'A Draftroom document';
  if (result.matches.length === 0) {
    return (
      <div className="verify-outcome verify-outcome--none" data-testid="verify-none">
        <h2>No version matches</h2>
        <p>This is not a text circulated from Draftroom, or it was changed.</p>
        <p className="verify-outcome__detail">
          Fingerprint checked: <code>{result.fingerprint}</code>
        </p>
      </div>
    );
  }
  return (
    <div className="verify-outcome verify-outcome--match">
      <h2>
        <SealIcon />{' '}
        {result.matches.length === 1 ? 'This is a Draftroom version' : 'This text is these versions'}
      </h2>
      <p className="verify-outcome__detail">
        Fingerprint <code>{result.fingerprint}</code>
      </p>
      <ul className="verify-matches">
        {result.matches.map((version) => (
          <VersionMatch key={version.id} version={version} title={titleOf(version.documentId)} />
        ))}
      </ul>
    </div>
  );
}
