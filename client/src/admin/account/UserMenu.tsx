/**
 * The user chip in the header, opening a small menu: who you are, "Change
 * password…" and, for administrators, "Administration".
 */
import type { UserProfile } from '@draftroom/shared';
import { type RefObject, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from '../../router';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import '../../styles/account.css';

/** Closes the menu on a click outside it, or on Escape (focus then returns to the menu button). */
function useDismiss(open: boolean, close: () => void, button: RefObject<HTMLButtonElement | null>) {
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) close();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close();
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open, close, button]);
  return containerRef;
}

export function UserMenu({ user }: { user: UserProfile }) {
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  const containerRef = useDismiss(open, close, buttonRef);
  const menuId = useId();

  return (
    <div className="user-menu" ref={containerRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-chip user-chip--button"
        data-testid="current-user"
        title={user.participant.name}
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
      >
        <span
          className="user-chip__dot"
          style={{ backgroundColor: user.participant.color }}
          aria-hidden="true"
        />
        <span className="user-chip__name">{user.name}</span>
        <span className="user-chip__code">{user.participant.code}</span>
        {/* The name is what the button shows, then what it opens (no aria-label hiding the visible text). */}
        <span className="visually-hidden"> — account menu</span>
      </button>
      <div className="user-menu__panel" id={menuId} hidden={!open}>
        <p className="user-menu__who">
          <strong>{user.name}</strong>
          <span>{user.email}</span>
          <span>{user.participant.name}</span>
        </p>
        <button
          type="button"
          className="user-menu__item"
          onClick={() => {
            setOpen(false);
            setChangingPassword(true);
          }}
        >
          Change password…
        </button>
        {user.isAdmin ? (
          <Link to="/admin" className="user-menu__item" onClick={() => setOpen(false)}>
            Administration
          </Link>
        ) : null}
      </div>
      <ChangePasswordDialog
        open={changingPassword}
        onClose={() => {
          setChangingPassword(false);
          buttonRef.current?.focus();
        }}
      />
    </div>
  );
}
