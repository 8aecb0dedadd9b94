/**
 * `/verify`: is this text one Draftroom circulated, and which version is it?
 * Takes a fingerprint (printed in the footer of every export) or the DOCX
 * itself, and names the matching version among the documents one may see.
 */
import type { DocumentSummary, FingerprintVerification } from '@draftroom/shared';
import { type DragEvent, type FormEvent, useEffect, useId, useState } from 'react';
import { listDocuments } from '../api';
import { useSignedInUser } from '../auth';
import { AppHeader } from '../components/AppHeader';
import { useDocumentTitle } from '../pages/useDocumentTitle';
import '../styles/versions.css';
import '../styles/verify.css';
import { type DocxVerdict, DocxVerdictView } from '../verify/DocxVerdict';
import { verifyDocx, verifyFingerprint } from './api';
import { VerifyResultView } from './VerifyResult';

type Check =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: FingerprintVerification }
  | { status: 'verdict'; source: string; verdict: DocxVerdict }
  | { status: 'error'; message: string };

/** A fingerprint as people paste it: spaces, line breaks, "…", upper case. */
function normaliseFingerprint(input: string): string {
  return input.replace(/[\s…:-]+/g, '').toLowerCase();
}

function FingerprintForm({ onCheck, busy }: { onCheck: (fingerprint: string) => void; busy: boolean }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fingerprint = normaliseFingerprint(value);
    if (!/^[a-f0-9]{64}$/.test(fingerprint)) {
      setProblem('A fingerprint is 64 characters, 0–9 and a–f, as printed in the footer of the document.');
      return;
    }
    setProblem(null);
    onCheck(fingerprint);
  };
  return (
    <form className="verify-card form" onSubmit={onSubmit} noValidate>
      <h2 className="verify-card__title">Paste a fingerprint</h2>
      <div className="form__field">
        <label htmlFor={id}>Fingerprint</label>
        <input
          id={id}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          className="verify-card__input"
          placeholder="e.g. 3f9a1c02…"
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${id}-problem` : undefined}
        />
      </div>
      {problem ? (
        <p className="form-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={busy}>
        Verify fingerprint
      </button>
    </form>
  );
}

function DocxDrop({ onFile, busy }: { onFile: (file: File) => void; busy: boolean }) {
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  };
  return (
    <section
      className={`verify-card verify-drop${dragging ? ' is-dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      aria-labelledby={`${id}-title`}
    >
      <h2 className="verify-card__title" id={`${id}-title`}>
        Or check a DOCX file
      </h2>
      <p className="verify-drop__hint">Drop the file here, or choose it. It is only read, never stored.</p>
      <label className="button" htmlFor={id}>
        Choose a DOCX…
      </label>
      <input
        id={id}
        type="file"
        className="visually-hidden"
        accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = '';
        }}
      />
    </section>
  );
}

export function VerifyPage() {
  const user = useSignedInUser();
  const [check, setCheck] = useState<Check>({ status: 'idle' });
  const [documents, setDocuments] = useState<DocumentSummary[]>([]);
  useDocumentTitle('Verify a document');
  useEffect(() => {
    listDocuments().then(setDocuments, () => setDocuments([]));
  }, []);

  const run = async (verify: () => Promise<Check>) => {
    setCheck({ status: 'checking' });
    try {
      setCheck(await verify());
    } catch (failure) {
      setCheck({
        status: 'error',
        message: failure instanceof Error ? failure.message : 'The check failed.',
      });
    }
  };
  const busy = check.status === 'checking';

  return (
    <div className="app-shell">
      <AppHeader user={user} />
      <main className="verify-page" data-testid="verify-page">
        <header className="verify-page__intro">
          <p className="eyebrow">Verify</p>
          <h1 className="verify-page__title">Is this a text circulated from Draftroom?</h1>
          <p>
            Every DOCX exported from Draftroom carries the fingerprint of its version in the footer: a SHA-256
            of the exact text. Paste it to learn which version it names — or give the file itself: its text is
            read and checked clause by clause, so an edited file cannot pass for a version.
          </p>
        </header>
        <div className="verify-page__inputs">
          <FingerprintForm
            busy={busy}
            onCheck={(value) =>
              void run(async () => ({
                status: 'done',
                result: await verifyFingerprint(value),
              }))
            }
          />
          <DocxDrop
            busy={busy}
            onFile={(file) =>
              void run(async () => ({
                status: 'verdict',
                source: file.name,
                verdict: await verifyDocx(file),
              }))
            }
          />
        </div>
        <section className="verify-page__result" aria-live="polite" data-testid="verify-result">
          {check.status === 'checking' ? (
            <p className="page-state" role="status">
              <span className="spinner" aria-hidden="true" /> Checking…
            </p>
          ) : null}
          {check.status === 'error' ? (
            <p className="form-error" role="alert">
              {check.message}
            </p>
          ) : null}
          {check.status === 'done' ? <VerifyResultView result={check.result} documents={documents} /> : null}
          {check.status === 'verdict' ? (
            <DocxVerdictView source={check.source} verdict={check.verdict} documents={documents} />
          ) : null}
        </section>
      </main>
    </div>
  );
}
