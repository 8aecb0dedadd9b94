/** Routes between the sign-in page, the document list and a document, after checking the session. */
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { AuthProvider, useAuth } from './auth';
import { ToastProvider } from './components/Toasts';
import { DocumentListPage } from './pages/DocumentListPage';
import { SignInPage } from './pages/SignInPage';
import { Link, matchRoute, navigate, returnPathFrom, signInPath, useLocation } from './router';
import { isVersionsRoute } from './versions/routes';
import { VersionsPages } from './versions/VersionsPages';

// The editor (TipTap, Yjs) is only downloaded when a document is opened.
const DocumentPage = lazy(() =>
  import('./pages/DocumentPage').then((module) => ({ default: module.DocumentPage })),
);
const DashboardPage = lazy(() =>
  import('./negotiation/dashboard/DashboardPage').then((module) => ({ default: module.DashboardPage })),
);
const CompilationPage = lazy(() =>
  import('./amendments/compilation/CompilationPage').then((module) => ({ default: module.CompilationPage })),
);
const AdminPage = lazy(() => import('./pages/AdminPage').then((module) => ({ default: module.AdminPage })));
const PublicVerifyPage = lazy(() =>
  import('./verify/PublicVerifyPage').then((module) => ({ default: module.PublicVerifyPage })),
);

function PageLoading() {
  return (
    <FullPageStatus>
      <p className="page-state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    </FullPageStatus>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function FullPageStatus({ children }: { children: ReactNode }) {
  return <main className="full-page-status">{children}</main>;
}

function Routes() {
  const { state, retry } = useAuth();
  const { pathname, search } = useLocation();
  const route = matchRoute(pathname);

  // Open to everyone, signed in or not, and whether or not the session check has answered yet.
  if (route.name === 'public-verify') {
    return (
      <Suspense fallback={<PageLoading />}>
        <PublicVerifyPage />
      </Suspense>
    );
  }
  if (state.status === 'loading') {
    return (
      <FullPageStatus>
        <p className="page-state" role="status">
          <span className="spinner" aria-hidden="true" /> Loading Draftroom…
        </p>
      </FullPageStatus>
    );
  }
  if (state.status === 'unavailable') {
    return (
      <FullPageStatus>
        <h1>Draftroom is not reachable</h1>
        <p role="alert">{state.message}</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </FullPageStatus>
    );
  }
  if (route.name === 'signin') {
    return state.status === 'signed-in' ? <Redirect to={returnPathFrom(search)} /> : <SignInPage />;
  }
  if (state.status !== 'signed-in') return <Redirect to={signInPath(pathname + search)} />;
  if (route.name === 'documents') return <DocumentListPage />;
  if (route.name === 'admin') {
    return (
      <Suspense fallback={<PageLoading />}>
        <AdminPage />
      </Suspense>
    );
  }
  if (route.name === 'dashboard') {
    return (
      <Suspense fallback={<PageLoading />}>
        <DashboardPage key={route.documentId} documentId={route.documentId} />
      </Suspense>
    );
  }
  if (route.name === 'amendment-compilation') {
    return (
      <Suspense fallback={<PageLoading />}>
        <CompilationPage key={route.documentId} documentId={route.documentId} />
      </Suspense>
    );
  }
  if (route.name === 'document') {
    return (
      <Suspense fallback={<PageLoading />}>
        <DocumentPage key={route.documentId} documentId={route.documentId} />
      </Suspense>
    );
  }
  if (isVersionsRoute(route)) {
    return (
      <Suspense fallback={<PageLoading />}>
        <VersionsPages route={route} />
      </Suspense>
    );
  }
  return (
    <FullPageStatus>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/" className="button">
        Go to your documents
      </Link>
    </FullPageStatus>
  );
}

export function App() {
  return (
    <ToastProvider>
      <AuthProvider>
        <Routes />
      </AuthProvider>
    </ToastProvider>
  );
}
