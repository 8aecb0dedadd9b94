/**
 * `/documents/:id/compare?from=…&to=…`: two versions (or a version and the
 * current text) clause by clause — summary, next / previous change, hide
 * unchanged clauses, inline or side-by-side redline, the redline as DOCX.
 */
import {
  type CompareResult,
  CURRENT_TEXT,
  type DocumentDetail,
  type VersionSummary,
} from '@draftroom/shared';
import { useMemo, useState } from 'react';
import { getDocument } from '../../api';
import { useSignedInUser } from '../../auth';
import { useDocumentTitle } from '../../pages/useDocumentTitle';
import { documentPath, Link, navigate, useLocation } from '../../router';
import '../../styles/versions.css';
import '../../styles/compare.css';
import '../../styles/compare-redline.css';
import { fetchComparison, fetchVersions } from '../api';
import { DocumentShell, Loading, PageProblem, problemMessage, resourceProblem } from '../PageStates';
import { comparePath } from '../routes';
import { useResource } from '../useResource';
import { CompareAmendments } from './CompareAmendments';
import { ComparePickers } from './ComparePickers';
import { CompareSummary } from './CompareSummary';
import { type CompareSettings, CompareToolbar } from './CompareToolbar';
import { ColumnLabels, ComparisonView } from './ComparisonView';
import { changeAnchors, clauseNumbers } from './model';
import { useChangeNavigation } from './useChangeNavigation';

interface ComparisonProps {
  documentId: string;
  from: string;
  to: string;
}

function ComparisonResult({ documentId, from, to, result }: ComparisonProps & { result: CompareResult }) {
  const [settings, setSettings] = useState<CompareSettings>({
    view: 'inline',
    hideUnchanged: true,
    changedOnlyDocx: false,
  });
  const { comparison } = result;
  const anchors = useMemo(() => changeAnchors(comparison), [comparison]);
  const numbers = useMemo(() => clauseNumbers(comparison), [comparison]);
  const navigation = useChangeNavigation(anchors);
  const sides = { before: result.from.label, after: result.to.label };
  return (
    <>
      <CompareSummary summary={comparison.summary} />
      <CompareAmendments
        documentId={documentId}
        amendments={result.amendments ?? []}
        sides={sidesInTime(result)}
      />
      {/* The toolbar and, side by side, the column labels stay in view while the comparison scrolls. */}
      <div className="compare-sticky" data-testid="compare-sticky">
        <CompareToolbar
          documentId={documentId}
          from={from}
          to={to}
          settings={settings}
          onChange={setSettings}
          navigation={navigation}
        />
        {settings.view === 'side-by-side' ? <ColumnLabels sides={sides} /> : null}
      </div>
      <p className="compare-legend">
        <ins className="redline__ins">Inserted words</ins> <del className="redline__del">deleted words</del> ·
        Comments are not part of the text and never show as changes. Keys: N / P (or J / K) for the next and
        previous change.
      </p>
      <ComparisonView
        comparison={comparison}
        options={{ ...settings, sides, numbers, currentAnchor: navigation.currentAnchor }}
      />
    </>
  );
}

/** The two sides' labels, the earlier in time first (the current text is the latest). */
function sidesInTime(result: CompareResult): { earlier: string; later: string } {
  const time = (side: CompareResult['from']) =>
    side.version ? Date.parse(side.version.createdAt) : Number.POSITIVE_INFINITY;
  return time(result.to) < time(result.from)
    ? { earlier: result.to.label, later: result.from.label }
    : { earlier: result.from.label, later: result.to.label };
}

function Comparison({ documentId, from, to }: ComparisonProps) {
  const { state } = useResource(`${documentId}|${from}|${to}`, () => fetchComparison(documentId, from, to));
  if (state.status === 'loading') return <Loading message="Comparing…" />;
  if (state.status !== 'ready') {
    const message = problemMessage(
      state.status,
      'version',
      state.status === 'error' ? state.message : undefined,
    );
    return (
      <p className="form-error" role="alert">
        {message}
      </p>
    );
  }
  return <ComparisonResult documentId={documentId} from={from} to={to} result={state.value} />;
}

function sideLabel(side: string, versions: VersionSummary[]): string {
  if (side === CURRENT_TEXT) return 'Current text';
  return versions.find((version) => version.id === side)?.label ?? 'A version';
}

function CompareBody({ detail, versions }: { detail: DocumentDetail; versions: VersionSummary[] }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const fallback = versions.find((version) => version.kind === 'named') ?? versions[0];
  const from = params.get('from') ?? fallback?.id ?? CURRENT_TEXT;
  const to = params.get('to') ?? CURRENT_TEXT;
  const title = `${sideLabel(from, versions)} → ${sideLabel(to, versions)}`;
  useDocumentTitle(`Compare ${title} — ${detail.title}`);
  return (
    <main className="compare-page" data-testid="compare-page">
      <header className="compare-intro">
        <div>
          <p className="eyebrow">Compare</p>
          <h2 className="compare-intro__title" data-testid="compare-title">
            {title}
          </h2>
        </div>
        <Link to={documentPath(detail.id)} className="button button--small">
          Back to the text
        </Link>
      </header>
      <ComparePickers
        versions={versions}
        from={from}
        to={to}
        onChange={(nextFrom, nextTo) => navigate(comparePath(detail.id, nextFrom, nextTo), { replace: true })}
      />
      {from === to ? (
        <p className="page-state">Choose two different sides to compare.</p>
      ) : (
        <Comparison documentId={detail.id} from={from} to={to} />
      )}
    </main>
  );
}

export function ComparePage({ documentId }: { documentId: string }) {
  const user = useSignedInUser();
  const detail = useResource(documentId, () => getDocument(documentId)).state;
  const versions = useResource(`versions|${documentId}`, () => fetchVersions(documentId)).state;
  const problem = resourceProblem([
    [detail, 'document'],
    [versions, 'document'],
  ]);
  if (problem)
    return <PageProblem user={user} title="The comparison could not be opened" message={problem.message} />;
  const ready = detail.status === 'ready' ? detail.value : null;
  return (
    <DocumentShell user={user} document={ready} loading="Loading the versions…">
      {ready && versions.status === 'ready' ? <CompareBody detail={ready} versions={versions.value} /> : null}
    </DocumentShell>
  );
}
