/**
 * `/documents/:id/amendments/compilation?section=&delegation=&open=1`: the
 * compilation of amendments for a drafting meeting — per clause in document
 * order its current text and its amendments, the two columns redlined — with
 * filters kept in the URL and the same compilation as a Word file.
 */
import type { Compilation, CompilationSection, DocumentDetail } from '@draftroom/shared';
import { useEffect, useState } from 'react';
import { getDocument } from '../../api';
import { useSignedInUser } from '../../auth';
import { useDocumentTitle } from '../../pages/useDocumentTitle';
import { documentPath, Link, navigate, useLocation } from '../../router';
import '../../styles/versions.css';
import '../../styles/compare.css';
import '../../styles/compare-redline.css';
import '../../styles/amendment-compilation.css';
import { DocumentShell, Loading, PageProblem, resourceProblem } from '../../versions/PageStates';
import { useResource } from '../../versions/useResource';
import { CompilationEntries } from './CompilationEntries';
import { CompilationFilters } from './CompilationFilters';
import {
  compilationDocxUrl,
  compilationPath,
  compilationQueryFrom,
  compilationSearch,
  fetchCompilation,
} from './compilationApi';

function CompilationResult({ compilation }: { compilation: Compilation }) {
  const count = compilation.clauses.reduce((sum, entry) => sum + entry.amendments.length, 0);
  return (
    <>
      <p className="compilation-count" role="status" data-testid="compilation-count">
        {count === 1 ? '1 amendment' : `${count} amendments`}
      </p>
      <CompilationEntries compilation={compilation} />
    </>
  );
}

function CompilationBody({ detail }: { detail: DocumentDetail }) {
  const { search } = useLocation();
  const query = compilationQueryFrom(search);
  useDocumentTitle(`Compilation of amendments — ${detail.title}`);
  const { state } = useResource(`${detail.id}${compilationSearch(query)}`, () =>
    fetchCompilation(detail.id, query),
  );
  const problem = resourceProblem([[state, 'compilation']]);
  // The section list stays while another filter loads, so the chosen section stays selected.
  const [sections, setSections] = useState<CompilationSection[]>([]);
  const loadedSections = state.status === 'ready' ? state.value.sections : null;
  useEffect(() => {
    if (loadedSections) setSections(loadedSections);
  }, [loadedSections]);
  return (
    <main className="compilation-page" data-testid="compilation-page">
      <header className="compare-intro">
        <div>
          <p className="eyebrow">Amendments</p>
          <h2 className="compare-intro__title">Compilation of amendments</h2>
        </div>
        <Link to={documentPath(detail.id)} className="button button--small">
          Back to the text
        </Link>
      </header>
      <div className="compilation-toolbar">
        <CompilationFilters
          query={query}
          sections={sections}
          participants={detail.participants}
          onChange={(next) => navigate(compilationPath(detail.id, next), { replace: true })}
        />
        <a
          className="button button--small button--primary"
          href={compilationDocxUrl(detail.id, query)}
          download
          data-testid="download-compilation"
        >
          Download DOCX
        </a>
      </div>
      <p className="compare-legend">
        <del className="redline__del">Deleted words</del> are struck through in the text as tabled against;{' '}
        <ins className="redline__ins">inserted words</ins> are underlined in the amendment.
      </p>
      {state.status === 'loading' ? <Loading message="Compiling the amendments…" /> : null}
      {state.status === 'ready' ? <CompilationResult compilation={state.value} /> : null}
      {problem ? (
        <p className="form-error" role="alert">
          {problem.message}
        </p>
      ) : null}
    </main>
  );
}

export function CompilationPage({ documentId }: { documentId: string }) {
  const user = useSignedInUser();
  const detail = useResource(documentId, () => getDocument(documentId)).state;
  const problem = resourceProblem([[detail, 'document']]);
  if (problem)
    return <PageProblem user={user} title="The compilation could not be opened" message={problem.message} />;
  const ready = detail.status === 'ready' ? detail.value : null;
  return (
    <DocumentShell user={user} document={ready} loading="Loading the document…">
      {ready ? <CompilationBody detail={ready} /> : null}
    </DocumentShell>
  );
}
