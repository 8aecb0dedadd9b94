/** Line icons of amendments (24×24, currentColor, 16 px), in the style of the negotiation layer's. */
import { LineIcon } from '../components/icons';

/** A pen over a line of text: proposing wording. */
export const AmendmentIcon = ({ size = 16 }: { size?: number }) => (
  <LineIcon size={size}>
    <path d="M4 20h7M14.5 5.5l4 4L10 18H6v-4z" />
  </LineIcon>
);

/** Text with a line under it and one through it: tracked changes shown in the text. */
export const TrackedChangesIcon = ({ size = 16 }: { size?: number }) => (
  <LineIcon size={size}>
    <path d="M4 8h16M4 13h9M4 18h12M15 11l5 4" />
  </LineIcon>
);
