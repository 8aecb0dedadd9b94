/**
 * A modal dialog (native `<dialog>`, so focus stays inside and Escape closes
 * it), mounted while it is open. Focus returns to where it was on close.
 * It closes only by unmounting: a native `close` event is not listened to,
 * so an effect re-run (React's strict mode) cannot close it by accident.
 * The versions' dialogs (save, restore) and the pen-holder's amendment
 * dialogs (accept as modified, conflict, compromise) are this one dialog.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The dialog's own class beside `dialog` (its width and spacing): `version-dialog`, `amendment-dialog`. */
  className: string;
  testId?: string;
}

export function Modal({ title, onClose, children, className, testId }: ModalProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      if (returnFocus?.isConnected) returnFocus.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialogRef}
      className={`dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: the owner unmounts the dialog (closing it here as well would close it twice).
        event.preventDefault();
        onClose();
      }}
      data-testid={testId}
    >
      <h2 className="dialog__title" id={titleId}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** A dialog's buttons: "Cancel" (calls `onCancel`), then the dialog's own (`children`). */
export function DialogActions({ onCancel, children }: { onCancel: () => void; children: ReactNode }) {
  return (
    <div className="dialog__actions">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      {children}
    </div>
  );
}
