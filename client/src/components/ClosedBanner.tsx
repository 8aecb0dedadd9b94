/**
 * The document was closed for this person while it was open (the server
 * closed the connection for good: access removed, the document gone). The
 * banner floats over the text under the toolbar, so it stays in view however
 * far the text is scrolled; the text below stays readable, dimmed, and takes
 * no changes.
 */
import { CloseCode } from '@draftroom/shared';
import { Link } from '../router';
import { LockIcon } from './icons';

function closedText(code: number, message: string): { title: string; detail: string } {
  if (code === CloseCode.AccessRevoked) {
    return {
      title: 'Your access to this document was removed.',
      detail:
        'An administrator removed your role on it while you had it open. The text below is what you last saw; nothing you type here is kept or sent. To take part again, ask an administrator.',
    };
  }
  if (code === CloseCode.DocumentNotFound) {
    return {
      title: 'This document is no longer available to you.',
      detail: 'It was removed, or your access to it was. Nothing you type here is kept or sent.',
    };
  }
  return {
    title: 'This document was closed.',
    detail: `${message || 'The server closed the connection.'} Nothing you type here is kept or sent.`,
  };
}

export function ClosedBanner({ code, message }: { code: number; message: string }) {
  const { title, detail } = closedText(code, message);
  return (
    <div
      className="banner banner--error banner--floating banner--closed"
      role="alert"
      data-testid="connection-stopped"
      data-close-code={code}
    >
      <LockIcon />
      <p>
        <strong>{title}</strong> <span data-testid="connection-stopped-detail">{detail}</span>
      </p>
      <Link to="/" className="button button--small">
        Back to documents
      </Link>
    </div>
  );
}
