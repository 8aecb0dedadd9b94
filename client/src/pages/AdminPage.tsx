/**
 * `/admin`: participants, users, document roles, process participants and
 * the audit log, one tab each (`?tab=`). Administrators only; the server
 * checks every request again.
 */
import { type KeyboardEvent, type ReactNode, useRef } from 'react';
import { AuditLogSection } from '../admin/AuditLogSection';
import { DocumentRolesSection } from '../admin/DocumentRolesSection';
import { ParticipantsSection } from '../admin/ParticipantsSection';
import { ProcessParticipantsSection } from '../admin/ProcessParticipantsSection';
import { UsersSection } from '../admin/UsersSection';
import { useSignedInUser } from '../auth';
import { AppHeader } from '../components/AppHeader';
import { Link, navigate, useLocation } from '../router';
import { useDocumentTitle } from './useDocumentTitle';
import '../styles/admin.css';

const TABS = [
  { id: 'participants', label: 'Participants', render: () => <ParticipantsSection /> },
  { id: 'users', label: 'Users', render: () => <UsersSection /> },
  { id: 'roles', label: 'Document roles', render: () => <DocumentRolesSection /> },
  { id: 'processes', label: 'Process participants', render: () => <ProcessParticipantsSection /> },
  { id: 'audit', label: 'Audit log', render: () => <AuditLogSection /> },
] as const satisfies readonly { id: string; label: string; render: () => ReactNode }[];

type TabId = (typeof TABS)[number]['id'];

function tabFrom(search: string): TabId {
  const requested = new URLSearchParams(search).get('tab');
  return TABS.find((tab) => tab.id === requested)?.id ?? TABS[0].id;
}

/** A tab list with roving focus: arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
function TabList({ active, onSelect }: { active: TabId; onSelect: (id: TabId) => void }) {
  const refs = useRef(new Map<TabId, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((tab) => tab.id === active);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = TABS[(target + TABS.length) % TABS.length];
    if (!next) return;
    onSelect(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div className="admin-tabs" role="tablist" aria-label="Administration" onKeyDown={onKeyDown}>
      {TABS.map((tab) => (
        <button
          key={tab.id}
          ref={(element) => {
            if (element) refs.current.set(tab.id, element);
          }}
          type="button"
          role="tab"
          id={`admin-tab-${tab.id}`}
          aria-selected={tab.id === active}
          aria-controls={`admin-panel-${tab.id}`}
          tabIndex={tab.id === active ? 0 : -1}
          className="admin-tabs__tab"
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

function AdministratorsOnly() {
  return (
    <main className="page-message" data-testid="admin-only">
      <h1>Administrators only</h1>
      <p>
        This page is for Draftroom administrators. If your role on a document or your delegation’s details
        need to change, please ask the secretariat.
      </p>
      <Link to="/" className="button">
        Back to documents
      </Link>
    </main>
  );
}

export function AdminPage() {
  const user = useSignedInUser();
  const { search } = useLocation();
  const active = tabFrom(search);
  useDocumentTitle(user.isAdmin ? 'Administration' : 'Administrators only');
  const tab = TABS.find((t) => t.id === active) ?? TABS[0];

  return (
    <div className="app-shell">
      <AppHeader user={user} />
      {user.isAdmin ? (
        <main className="admin-page">
          <div className="list-page__intro">
            <p className="eyebrow">Draftroom</p>
            <h1 className="list-page__title">Administration</h1>
          </div>
          <TabList active={active} onSelect={(id) => navigate(`/admin?tab=${id}`, { replace: true })} />
          <div
            className="admin-panel"
            role="tabpanel"
            id={`admin-panel-${tab.id}`}
            aria-labelledby={`admin-tab-${tab.id}`}
          >
            {tab.render()}
          </div>
        </main>
      ) : (
        <AdministratorsOnly />
      )}
    </div>
  );
}
