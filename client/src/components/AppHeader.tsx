/**
 * The bar at the top of every signed-in page: Draftroom, where you are
 * (process › document), your role, the connection, administration (for
 * administrators), who you are (with the account menu), sign out.
 */
import type { UserProfile } from '@draftroom/shared';
import { type ReactNode, useState } from 'react';
import { UserMenu } from '../admin/account/UserMenu';
import { useAuth } from '../auth';
import { Link, navigate } from '../router';
import { SignOutIcon } from './icons';
import { type BadgeRole, RoleBadge } from './RoleBadge';
import { useToasts } from './Toasts';

interface AppHeaderProps {
  user: UserProfile;
  processName?: string;
  documentTitle?: string;
  role?: BadgeRole;
  /** Extra status (e.g. the connection indicator), shown before the user. */
  status?: ReactNode;
}

function SignOutButton() {
  const { signOut } = useAuth();
  const { showToast } = useToasts();
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      await signOut();
      navigate('/signin', { replace: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : 'Could not sign out.';
      showToast({ message: `Could not sign out: ${message}`, tone: 'error' });
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="button button--quiet header__signout"
      aria-label="Sign out"
      title="Sign out"
      onClick={onClick}
      disabled={busy}
    >
      <SignOutIcon />
      <span>Sign out</span>
    </button>
  );
}

function Brand() {
  return (
    <Link to="/" className="brand">
      <span className="brand__mark" aria-hidden="true">
        D
      </span>
      <span className="brand__name">Draftroom</span>
      <span className="visually-hidden"> — all documents</span>
    </Link>
  );
}

export function AppHeader({ user, processName, documentTitle, role, status }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header__start">
        <Brand />
        {documentTitle ? (
          <nav className="breadcrumb" aria-label="Breadcrumb">
            <Link to="/" className="breadcrumb__process">
              {processName ?? 'Documents'}
            </Link>
            <span className="breadcrumb__separator" aria-hidden="true">
              /
            </span>
            <h1 className="breadcrumb__title" data-testid="document-title">
              {documentTitle}
            </h1>
          </nav>
        ) : null}
      </div>
      <div className="app-header__end">
        {role ? <RoleBadge role={role} /> : null}
        {status}
        {user.isAdmin ? (
          <Link to="/admin" className="button button--quiet button--small header__admin">
            Administration
          </Link>
        ) : null}
        <UserMenu user={user} />
        <SignOutButton />
      </div>
    </header>
  );
}
