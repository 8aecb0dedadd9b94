/** The versions pages, each downloaded when first opened (the editor ones bring TipTap and Yjs). */
import { lazy } from 'react';
import type { VersionsRoute } from './routes';

const VersionPage = lazy(() => import('./VersionPage').then((module) => ({ default: module.VersionPage })));
const ComparePage = lazy(() =>
  import('./compare/ComparePage').then((module) => ({ default: module.ComparePage })),
);
const PrintPage = lazy(() => import('./PrintPage').then((module) => ({ default: module.PrintPage })));
const VerifyPage = lazy(() => import('./VerifyPage').then((module) => ({ default: module.VerifyPage })));

export function VersionsPages({ route }: { route: VersionsRoute }) {
  switch (route.name) {
    case 'version':
      return (
        <VersionPage
          key={`${route.documentId}/${route.versionId}`}
          documentId={route.documentId}
          versionId={route.versionId}
        />
      );
    case 'compare':
      return <ComparePage key={route.documentId} documentId={route.documentId} />;
    case 'print':
      return <PrintPage key={route.documentId} documentId={route.documentId} />;
    case 'verify':
      return <VerifyPage />;
  }
}
