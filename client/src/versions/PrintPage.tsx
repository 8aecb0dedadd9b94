/**
 * `/documents/:id/print?version=<id|current>`: the text alone, for the
 * browser's "Print" / "Save as PDF": title, version and date, each section
 * on a new page, numbered clauses, brackets visible, no editor chrome.
 */
import { CURRENT_TEXT, type DocumentDetail } from '@draftroom/shared';
import { EditorContent } from '@tiptap/react';
import type * as Y from 'yjs';
import { getDocument } from '../api';
import { useSignedInUser } from '../auth';
import { formatDateTime } from '../format';
import { useDocumentTitle } from '../pages/useDocumentTitle';
import { documentPath, Link, useLocation } from '../router';
import '../styles/versions.css';
import '../styles/print.css';
import { fetchVersion } from './api';
import { useFrozenEditor } from './FrozenDocument';
import { docFromState, fetchLiveSnapshot } from './frozenDoc';
import { PrintIcon } from './icons';
import { Loading, PageProblem, problemMessage } from './PageStates';
import { versionPath } from './routes';
import { useResource } from './useResource';

interface PrintableText {
  ydoc: Y.Doc;
  label: string;
  /** When the text was saved (a version) or fetched (the current text). */
  date: string;
  fingerprint: string | null;
}

async function loadPrintable(documentId: string, version: string): Promise<PrintableText> {
  if (version === CURRENT_TEXT) {
    const ydoc = await fetchLiveSnapshot(documentId);
    return { ydoc, label: 'Current text', date: new Date().toISOString(), fingerprint: null };
  }
  const detail = await fetchVersion(documentId, version);
  return {
    ydoc: docFromState(detail.state),
    label: detail.label,
    date: detail.createdAt,
    fingerprint: detail.fingerprint,
  };
}

function PrintSheet({ detail, text }: { detail: DocumentDetail; text: PrintableText }) {
  const editor = useFrozenEditor(text.ydoc, `${detail.title} — ${text.label}`);
  return (
    <article className="paper print-sheet" data-testid="print-sheet">
      <header className="print-sheet__head">
        <p className="print-sheet__process">{detail.process.name}</p>
        <h1 className="print-sheet__title">{detail.title}</h1>
        <p className="print-sheet__version" data-testid="print-version">
          {text.label} · {formatDateTime(text.date)}
        </p>
      </header>
      {editor ? <EditorContent editor={editor} /> : null}
      {text.fingerprint ? (
        <p className="print-sheet__fingerprint">Draftroom fingerprint: {text.fingerprint}</p>
      ) : (
        <p className="print-sheet__fingerprint">
          The current text, not a saved version: it has no fingerprint and may change.
        </p>
      )}
    </article>
  );
}

function PrintBar({ detail, version }: { detail: DocumentDetail; version: string }) {
  const back = version === CURRENT_TEXT ? documentPath(detail.id) : versionPath(detail.id, version);
  return (
    <div className="print-bar">
      <Link to={back} className="button button--small">
        Back
      </Link>
      <p className="print-bar__hint">
        To make a PDF, print and choose “Save as PDF”. Each section starts on a new page.
      </p>
      <button type="button" className="button button--primary button--small" onClick={() => window.print()}>
        <PrintIcon /> Print
      </button>
    </div>
  );
}

export function PrintPage({ documentId }: { documentId: string }) {
  const user = useSignedInUser();
  const { search } = useLocation();
  const version = new URLSearchParams(search).get('version') ?? CURRENT_TEXT;
  const detail = useResource(documentId, () => getDocument(documentId)).state;
  const text = useResource(`${documentId}|${version}`, () => loadPrintable(documentId, version)).state;
  useDocumentTitle(
    detail.status === 'ready' && text.status === 'ready'
      ? `${text.value.label} — ${detail.value.title} (print)`
      : undefined,
  );

  for (const [state, what] of [
    [detail, 'document'],
    [text, 'version'],
  ] as const) {
    if (state.status === 'not-found' || state.status === 'error') {
      const message = problemMessage(
        state.status,
        what,
        state.status === 'error' ? state.message : undefined,
      );
      return <PageProblem user={user} title="Nothing to print" message={message} />;
    }
  }
  if (detail.status !== 'ready' || text.status !== 'ready') {
    return (
      <main className="print-page">
        <Loading message="Preparing the text for printing…" />
      </main>
    );
  }
  return (
    <main className="print-page">
      <PrintBar detail={detail.value} version={version} />
      <PrintSheet detail={detail.value} text={text.value} />
    </main>
  );
}
