/** Line icons of the negotiation layer (24×24, currentColor), in the style of the toolbar's. */
import type { ReactNode } from 'react';
import { LineIcon } from '../components/icons';

/** The negotiation layer's icons are 16 px unless said otherwise. */
function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return <LineIcon size={size}>{children}</LineIcon>;
}

export const CommentIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M5 5h14a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-8l-4 3.5V16H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z" />
  </Icon>
);

export const BracketIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M8 4H5v16h3M16 4h3v16h-3" />
  </Icon>
);

export const HistoryIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4M12 8v4.5l3 1.8" />
  </Icon>
);

export const LockSmallIcon = ({ size = 13 }: { size?: number }) => (
  <Icon size={size}>
    <rect x="5" y="11" width="14" height="9" rx="2" />
    <path d="M8 11V8a4 4 0 0 1 8 0v3" />
  </Icon>
);

export const BellIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20.5a2 2 0 0 0 4 0" />
  </Icon>
);

export const FilterIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 5h16l-6 7.5V19l-4-2v-4.5z" />
  </Icon>
);

export const DashboardIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <rect x="4" y="4" width="7" height="7" rx="1" />
    <rect x="13" y="4" width="7" height="4" rx="1" />
    <rect x="13" y="10" width="7" height="10" rx="1" />
    <rect x="4" y="13" width="7" height="7" rx="1" />
  </Icon>
);

export const ChevronIcon = ({ size = 12 }: { size?: number }) => (
  <Icon size={size}>
    <path d="m6 9 6 6 6-6" />
  </Icon>
);
