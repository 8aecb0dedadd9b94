/**
 * `/verify/public`: anyone who received a DOCX from Draftroom — a ministry,
 * without an account — can check that it is, word for word, a circulated
 * version. An exact match names the document, the version and its date;
 * anything else says only that the file is not confirmed.
 */
import type { PublicVerification } from '@draftroom/shared';
import { useEffect, useId, useState } from 'react';
import { formatDateTime } from '../format';
import { useDocumentTitle } from '../pages/useDocumentTitle';
import { SealIcon } from '../versions/icons';
import '../styles/versions.css';
import '../styles/verify.css';
import { publicVerifyEnabled, verifyPublicly } from './publicApi';

type Check =
  | { status: 'idle' }
  | { status: 'checking'; file: string }
  | { status: 'done'; file: string; answer: PublicVerification }
  | { status: 'error'; message: string };

function Answer({ file, answer }: { file: string; answer: PublicVerification }) {
  if (!answer.match) {
    return (
      <div
        className="verify-outcome verify-outcome--none"
        data-testid="public-verify-outcome"
        data-match="false"
      >
        <h2>Not confirmed</h2>
        <p>
          “{file}” is not, word for word, a version circulated from Draftroom. It may have been changed after
          it was circulated, or come from elsewhere. Ask the sender or the secretariat for the original.
        </p>
      </div>
    );
  }
  return (
    <div
      className="verify-outcome verify-outcome--match"
      data-testid="public-verify-outcome"
      data-match="true"
    >
      <h2>
        <SealIcon /> Confirmed: a genuine Draftroom document
      </h2>
      <p>The text of “{file}” is exactly the text of:</p>
      <dl className="verify-match__facts">
        {answer.versions.map((version) => (
          <div
            key={`${version.title}/${version.versionLabel}/${version.date}`}
            className="verify-public-fact"
          >
            <dt>Document</dt>
            <dd>{version.title}</dd>
            <dt>Version</dt>
            <dd>
              <strong>{version.versionLabel}</strong>
            </dd>
            <dt>Saved</dt>
            <dd>{formatDateTime(version.date)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function PublicVerifyPage() {
  useDocumentTitle('Verify a document');
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [check, setCheck] = useState<Check>({ status: 'idle' });
  const inputId = useId();
  useEffect(() => {
    publicVerifyEnabled().then(setEnabled, () => setEnabled(true));
  }, []);

  const onFile = async (file: File) => {
    setCheck({ status: 'checking', file: file.name });
    try {
      setCheck({ status: 'done', file: file.name, answer: await verifyPublicly(file) });
    } catch (failure) {
      setCheck({
        status: 'error',
        message: failure instanceof Error ? failure.message : 'The check failed.',
      });
    }
  };

  return (
    <main className="verify-page" data-testid="public-verify-page">
      <header className="verify-page__intro">
        <p className="eyebrow">Draftroom</p>
        <h1 className="verify-page__title">Check a document you received</h1>
        <p>
          Choose the DOCX file. Its text is compared, clause by clause, with the versions circulated from
          Draftroom. The file is only read, never stored, and nothing about other documents is shown.
        </p>
      </header>
      {enabled === false ? (
        <p className="form-error" role="alert">
          Public verification is turned off on this server. Ask the secretariat to check the file for you.
        </p>
      ) : (
        <section className="verify-card verify-drop verify-page__inputs--single">
          <label className="button button--primary" htmlFor={inputId}>
            Choose a DOCX file…
          </label>
          <input
            id={inputId}
            type="file"
            className="visually-hidden"
            accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            disabled={check.status === 'checking'}
            data-testid="public-verify-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void onFile(file);
              event.target.value = '';
            }}
          />
        </section>
      )}
      <section className="verify-page__result" aria-live="polite">
        {check.status === 'checking' ? (
          <p className="page-state" role="status">
            <span className="spinner" aria-hidden="true" /> Checking “{check.file}”…
          </p>
        ) : null}
        {check.status === 'error' ? (
          <p className="form-error" role="alert">
            {check.message}
          </p>
        ) : null}
        {check.status === 'done' ? <Answer file={check.file} answer={check.answer} /> : null}
      </section>
    </main>
  );
}
