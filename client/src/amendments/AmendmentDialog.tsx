/**
 * A wide modal dialog for the pen-holder's decisions (native `<dialog>`:
 * focus stays inside, Escape closes it), mounted while open; focus returns to
 * where it was. It closes only by unmounting, as the versions' Modal does.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

interface AmendmentDialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

export function AmendmentDialog({ title, onClose, children, testId }: AmendmentDialogProps) {
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
      className="dialog amendment-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
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
