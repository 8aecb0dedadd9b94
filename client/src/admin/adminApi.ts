/**
 * Typed calls to the administrators' API (`/api/admin/*`) and the password
 * change of the signed-in user. The shapes mirror the server's answers; the
 * server checks every call again (administrators only).
 */
import type { Participant, ParticipantKind, ProcessSummary, Role, UserProfile } from '@draftroom/shared';
import { apiRequest } from '../api';

/** The server's minimum password length (`MIN_PASSWORD_LENGTH`). */
export const MIN_PASSWORD_LENGTH = 10;

/** A role set on one document for one user: a role, or `none` for no access. */
export type ExplicitRole = Role | 'none';

export interface ProcessMembership {
  participantId: string;
  code: string;
  name: string;
  defaultRole: Role;
}

export interface AdminProcess extends ProcessSummary {
  participants: ProcessMembership[];
}

export interface AdminDocument {
  id: string;
  title: string;
  processId: string;
  processName: string;
  updatedAt: string;
}

export interface DocumentUserRole {
  userId: string;
  name: string;
  email: string;
  participantCode: string;
  /** Set on this document; null when the participant's default applies. */
  explicitRole: ExplicitRole | null;
  /** The participant's default in the document's process; null when it does not take part. */
  defaultRole: Role | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: string | null;
  actorEmail: string | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  ip: string;
}

export type AuditVerification =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBrokenId: number; why: string };

export interface NewParticipant {
  code: string;
  name: string;
  kind: ParticipantKind;
}

export interface NewUser {
  email: string;
  name: string;
  participantId: string;
  password: string;
  isAdmin: boolean;
}

const path = (...parts: string[]) => `/api/admin/${parts.map(encodeURIComponent).join('/')}`;

export const adminApi = {
  listParticipants: () => apiRequest<Participant[]>('GET', path('participants')),
  createParticipant: (input: NewParticipant) => apiRequest<Participant>('POST', path('participants'), input),

  listUsers: () => apiRequest<UserProfile[]>('GET', path('users')),
  createUser: (input: NewUser) => apiRequest<UserProfile>('POST', path('users'), input),
  resetPassword: (userId: string) =>
    apiRequest<{ temporaryPassword: string }>('POST', path('users', userId, 'password-reset')),

  listProcesses: () => apiRequest<AdminProcess[]>('GET', path('processes')),
  setDefaultRole: (processId: string, participantId: string, defaultRole: Role) =>
    apiRequest<null>('PUT', path('processes', processId, 'participants', participantId), { defaultRole }),

  listDocuments: () => apiRequest<AdminDocument[]>('GET', path('documents')),
  listDocumentRoles: (documentId: string) =>
    apiRequest<DocumentUserRole[]>('GET', path('documents', documentId, 'roles')),
  setDocumentRole: (documentId: string, userId: string, role: ExplicitRole | null) =>
    apiRequest<null>('PUT', path('documents', documentId, 'roles', userId), { role }),

  listAudit: (limit: number, before?: number) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) query.set('before', String(before));
    return apiRequest<AuditEntry[]>('GET', `${path('audit')}?${query}`);
  },
  verifyAudit: () => apiRequest<AuditVerification>('GET', path('audit', 'verify')),
};

/** `POST /api/me/password`: any signed-in user changes their own password. */
export function changeOwnPassword(currentPassword: string, newPassword: string): Promise<null> {
  return apiRequest<null>('POST', '/api/me/password', { currentPassword, newPassword });
}
