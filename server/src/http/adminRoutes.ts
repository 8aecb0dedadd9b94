import { randomBytes } from 'node:crypto';
import { ROLES } from '@draftroom/shared';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../audit/auditLog';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { authorizeAdministration } from '../auth/policy';
import type { SessionService } from '../auth/sessionService';
import { participantColor } from '../demo/participants';
import { BadRequestError, HttpError, NotFoundError } from '../errors';
import type { Repositories } from '../store/repositories';
import { routeParam, signedInUser } from './context';
import { parseBody } from './validation';

/** Told when roles or accounts change, so open collaboration sockets follow within seconds. */
export interface AccessChangeListener {
  accessChanged(reason: {
    userId?: string;
    documentId?: string;
    signedOut?: boolean;
    /** With `signedOut`: the session that stays signed in. */
    exceptSessionToken?: string;
  }): void;
  /** A session was signed out: its sockets close. */
  /** `userId`, when known, lets the other instances close that session's sockets too. */
  sessionEnded(sessionToken: string, userId?: string): void;
}

export interface AdminRouteDeps {
  repositories: Repositories;
  sessions: SessionService;
  audit: AuditLog;
  access: AccessChangeListener;
}

const participantSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{2,12}$/, 'a code of 2–12 letters or digits'),
  name: z.string().trim().min(2).max(120),
  kind: z.enum(['state', 'organisation', 'eu-institution']),
});
const userSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().min(2).max(120),
  participantId: z.string().min(1),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
  isAdmin: z.boolean().default(false),
});
const documentRoleSchema = z.object({ role: z.enum([...ROLES, 'none']).nullable() });
const defaultRoleSchema = z.object({ defaultRole: z.enum(ROLES) });

/** Refuses non-administrators (the error handler records the refusal in the audit log). */
function requireAdmin(_request: Request, response: Response, next: NextFunction): void {
  authorizeAdministration(signedInUser(response));
  next();
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `/api/admin/*`: participants, users, roles per document, the audit log. Administrators only. */
export function adminRoutes({ repositories, sessions, audit, access }: AdminRouteDeps): Router {
  const { participants, users, processes, documents } = repositories;
  const router = Router();
  router.use('/api/admin', requireAdmin);
  const actorOf = (request: Request, response: Response) => {
    const user = signedInUser(response);
    return { userId: user.id, email: user.email, ip: request.ip };
  };

  router.get('/api/admin/participants', (_request, response) => response.json(participants.list()));
  router.post('/api/admin/participants', (request, response) => {
    const input = parseBody(participantSchema, request.body);
    try {
      const created = participants.create({ ...input, color: participantColor(input.code) });
      audit.record('participant-created', actorOf(request, response), created.code, { name: created.name });
      response.status(201).json(created);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new HttpError(409, 'conflict', `A participant ${input.code} exists.`);
      throw error;
    }
  });

  router.get('/api/admin/users', (_request, response) => response.json(users.list()));
  router.post('/api/admin/users', async (request, response) => {
    const input = parseBody(userSchema, request.body);
    if (!participants.findById(input.participantId))
      throw new BadRequestError('participantId: unknown participant');
    try {
      const id = users.create({ ...input, passwordHash: await hashPassword(input.password) });
      audit.record('user-created', actorOf(request, response), input.email, { isAdmin: input.isAdmin });
      response.status(201).json(users.findById(id));
    } catch (error) {
      if (isUniqueViolation(error)) throw new HttpError(409, 'conflict', `An account ${input.email} exists.`);
      throw error;
    }
  });
  router.post('/api/admin/users/:id/password-reset', async (request, response) => {
    const user = users.findById(routeParam(request, 'id'));
    if (!user) throw new NotFoundError('No such user.');
    const temporaryPassword = randomBytes(12).toString('base64url');
    users.setPasswordHash(user.id, await hashPassword(temporaryPassword));
    sessions.closeAllFor(user.id);
    access.accessChanged({ userId: user.id, signedOut: true });
    audit.record('password-reset', actorOf(request, response), user.email);
    response.json({ temporaryPassword });
  });

  router.get('/api/admin/processes', (_request, response) => {
    response.json(
      processes
        .list()
        .map((process) => ({ ...process, participants: processes.listMemberships(process.id) })),
    );
  });
  router.put('/api/admin/processes/:processId/participants/:participantId', (request, response) => {
    const { defaultRole } = parseBody(defaultRoleSchema, request.body);
    const processId = routeParam(request, 'processId');
    const participant = participants.findById(routeParam(request, 'participantId'));
    if (!participant || !processes.list().some((p) => p.id === processId)) throw new NotFoundError();
    processes.setParticipant(processId, participant.id, defaultRole);
    audit.record('process-role-changed', actorOf(request, response), participant.code, {
      processId,
      defaultRole,
    });
    access.accessChanged({});
    response.status(204).end();
  });

  router.get('/api/admin/documents', (_request, response) => response.json(documents.listAll()));
  router.get('/api/admin/documents/:id/roles', (request, response) => {
    const documentId = routeParam(request, 'id');
    if (!documents.exists(documentId)) throw new NotFoundError('No such document.');
    response.json(documents.listUserRoles(documentId));
  });
  router.put('/api/admin/documents/:id/roles/:userId', (request, response) => {
    const documentId = routeParam(request, 'id');
    const user = users.findById(routeParam(request, 'userId'));
    if (!documents.exists(documentId) || !user) throw new NotFoundError();
    const { role } = parseBody(documentRoleSchema, request.body);
    if (role === null) documents.clearUserRole(documentId, user.id);
    else documents.setUserRole(documentId, user.id, role);
    audit.record('role-changed', actorOf(request, response), user.email, {
      documentId,
      role: role ?? 'default',
    });
    access.accessChanged({ userId: user.id, documentId });
    response.status(204).end();
  });

  router.get('/api/admin/audit', (request, response) => {
    const requested = Math.trunc(Number(request.query.limit));
    const limit = requested > 0 ? Math.min(requested, 500) : 100; // 100 a page unless asked; 500 at most
    const before = Number(request.query.before) || undefined;
    response.json(audit.list(limit, before));
  });
  router.get('/api/admin/audit/verify', (_request, response) => response.json(audit.verify()));

  return router;
}
