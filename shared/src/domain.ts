/** Domain types shared by the server's REST API and the client. */

export type ParticipantKind = 'state' | 'organisation' | 'eu-institution';

/** A state delegation or an organisation taking part in a process. */
export interface Participant {
  id: string;
  /** Short code shown on badges, e.g. "PL", "HU", "ICMPD". */
  code: string;
  name: string;
  kind: ParticipantKind;
  /** Colour of carets and badges, `#rrggbb`. */
  color: string;
}

/** What a user may do with a document. */
export const ROLES = ['pen-holder', 'drafter', 'commenter', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<Role, string> = {
  'pen-holder': 'Pen-holder',
  drafter: 'Drafter',
  commenter: 'Commenter',
  observer: 'Observer',
};

export interface UserProfile {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  participant: Participant;
}

/** `GET /api/me` */
export interface MeResponse {
  user: UserProfile;
}

/** `GET /api/session`: who is signed in in this browser; `null` for nobody (a 200, not a 401). */
export interface SessionResponse {
  user: UserProfile | null;
}

/** A dialogue such as the Prague Process. */
export interface ProcessSummary {
  id: string;
  name: string;
  description: string;
}

/** An entry of `GET /api/documents`. */
export interface DocumentSummary {
  id: string;
  title: string;
  process: ProcessSummary;
  role: Role;
  updatedAt: string;
}

/** `GET /api/documents/:id` */
export interface DocumentDetail extends DocumentSummary {
  participants: Participant[];
  /** The server's bounds a client must respect. */
  limits: {
    /** Largest WebSocket frame the server accepts, in bytes (MAX_MESSAGE_BYTES; larger ones close with 1009). */
    maxMessageBytes: number;
  };
}

/** The presence state each client publishes under the awareness field `user`. */
export interface PresenceUser {
  userId: string;
  name: string;
  participantCode: string;
  participantName: string;
  color: string;
}

/** Error body of every 4xx/5xx JSON response. */
export interface ApiError {
  error: string;
  message: string;
  retryAfterSeconds?: number;
}
