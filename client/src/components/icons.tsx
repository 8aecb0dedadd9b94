/** Small line icons (24×24, currentColor) for the toolbar and header. */
import type { ReactNode } from 'react';

/**
 * A line icon: 24×24 strokes in currentColor, `size` pixels square (18 by
 * default), hidden from assistive technology (the control it is in is named).
 * Every icon module of the client draws with it.
 */
export function LineIcon({ children, size = 18 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const BoldIcon = () => (
  <LineIcon>
    <path d="M7 5h6a3.5 3.5 0 0 1 0 7H7zM7 12h7a3.5 3.5 0 0 1 0 7H7z" strokeWidth="2.2" />
  </LineIcon>
);

export const ItalicIcon = () => (
  <LineIcon>
    <path d="M10 5h8M6 19h8M14.5 5l-5 14" />
  </LineIcon>
);

export const HeadingIcon = () => (
  <LineIcon>
    <path d="M5 5v14M14 5v14M5 12h9M17.5 13.5l2-1.5v7" />
  </LineIcon>
);

export const BulletListIcon = () => (
  <LineIcon>
    <path d="M10 6h10M10 12h10M10 18h10" />
    <circle cx="5" cy="6" r="1.2" fill="currentColor" />
    <circle cx="5" cy="12" r="1.2" fill="currentColor" />
    <circle cx="5" cy="18" r="1.2" fill="currentColor" />
  </LineIcon>
);

export const OrderedListIcon = () => (
  <LineIcon>
    <path d="M10 6h10M10 12h10M10 18h10M4 5l1.5-1v5M3.8 14.2a1.4 1.4 0 1 1 2.4 1L4 18h2.6" />
  </LineIcon>
);

export const UndoIcon = () => (
  <LineIcon>
    <path d="M9 14 4 9l5-5" />
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
  </LineIcon>
);

export const RedoIcon = () => (
  <LineIcon>
    <path d="m15 14 5-5-5-5" />
    <path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />
  </LineIcon>
);

export const NewClauseIcon = () => (
  <LineIcon>
    <path d="M4 6h9M4 10h12M4 14h6M17 14v6M14 17h6" />
  </LineIcon>
);

export const NewSectionIcon = () => (
  <LineIcon>
    <path d="M4 5h12M4 9h8M4 13h16M4 17h6M17 17v4M15 19h4" />
  </LineIcon>
);

export const SignOutIcon = () => (
  <LineIcon>
    <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10" />
  </LineIcon>
);

export const DocumentIcon = () => (
  <LineIcon>
    <path d="M7 3h7l5 5v13H7z" />
    <path d="M14 3v5h5M10 13h6M10 17h6" />
  </LineIcon>
);

export const LockIcon = () => (
  <LineIcon>
    <rect x="5" y="11" width="14" height="9" rx="2" />
    <path d="M8 11V8a4 4 0 0 1 8 0v3" />
  </LineIcon>
);

/** Find in the document (toolbar, find bar). */
export const SearchIcon = () => (
  <LineIcon>
    <circle cx="10.5" cy="10.5" r="6" />
    <path d="M15 15l5 5" />
  </LineIcon>
);

export const ChevronUpIcon = () => (
  <LineIcon>
    <path d="M6 15l6-6 6 6" />
  </LineIcon>
);

export const ChevronDownIcon = () => (
  <LineIcon>
    <path d="M6 9l6 6 6-6" />
  </LineIcon>
);
