import { ROLE_LABEL, type Role } from '@draftroom/shared';

/** The user's role in a document, e.g. "Pen-holder" or "Observer". */
export function RoleBadge({ role }: { role: Role }) {
  return (
    <span
      className={`role-badge role-badge--${role}`}
      data-testid="role-badge"
      title="Your role in this document"
    >
      {ROLE_LABEL[role]}
    </span>
  );
}
