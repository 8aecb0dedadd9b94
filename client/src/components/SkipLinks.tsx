/**
 * The first stops of the Tab key on a document: straight to the text, to the
 * comments, to the version history — past the header, the toolbars and every
 * outline entry. Hidden until focused.
 */
import type { MouseEvent } from 'react';
import { FOCUS_TEXT_EVENT } from '../editor/readOnlyCaret';

export const TEXT_TARGET_ID = 'draft-editor';
export const COMMENTS_TARGET_ID = 'comments-panel';
export const HISTORY_TARGET_ID = 'history-button';

function skipTo(event: MouseEvent<HTMLAnchorElement>, targetId: string): void {
  const target = document.getElementById(targetId);
  if (!target) return;
  // The address stays as it is: the links act in the page, not as fragments.
  event.preventDefault();
  if (targetId === TEXT_TARGET_ID) {
    // The editor puts the caret at the reading position, in a read-only text too.
    target.dispatchEvent(new CustomEvent(FOCUS_TEXT_EVENT));
  } else if (target instanceof HTMLButtonElement) {
    target.focus();
    if (target.getAttribute('aria-expanded') === 'false') target.click();
  } else {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'nearest' });
  }
}

export function SkipLinks({ comments = true }: { comments?: boolean }) {
  const links = [
    { id: TEXT_TARGET_ID, label: 'Skip to the text' },
    ...(comments ? [{ id: COMMENTS_TARGET_ID, label: 'Skip to the comments' }] : []),
    { id: HISTORY_TARGET_ID, label: 'Skip to the version history' },
  ];
  return (
    <div className="skip-links" data-testid="skip-links">
      {links.map((link) => (
        <a
          key={link.id}
          className="skip-link"
          href={`#${link.id}`}
          onClick={(event) => skipTo(event, link.id)}
        >
          {link.label}
        </a>
      ))}
    </div>
  );
}
