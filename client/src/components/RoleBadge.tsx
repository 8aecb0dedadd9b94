import { ROLE_LABEL, type Role } from '@draftroom/shared';

/** A role, or `none` once access was removed while the document was open. */
export type BadgeRole = Role | 'none';

/** The user's role in a document, e.g. "Pen-holder" or "Observer"; "No access" once it was removed. */
export function RoleBadge({ role }: { role: BadgeRole }) {
  return (
    <span
      className={`role-badge role-badge--${role}`}
      data-testid="role-badge"
      title={role === 'none' ? 'You no longer have access to this document' : 'Your role in this document'}
    >
      {role === 'none' ? 'No access' : ROLE_LABEL[role]}
    </span>
  );
}
