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
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraintErrors';
import type { RecordStores } from '../store/recordStores';
import { routeParam, signedInUser } from './context';
import { parseBody } from './validation';

/** Told when roles or accounts change, so open collaboration sockets follow within seconds. */
export interface AccessChangeListener {
  /** Resolves once this instance's sockets were re-decided (the other instances are told, not waited for); never rejects. */
  accessChanged(reason: {
    userId?: string;
    documentId?: string;
    signedOut?: boolean;
    /** With `signedOut`: the session that stays signed in. */
    exceptSessionToken?: string;
  }): Promise<void>;
  /** A session was signed out: its sockets close. */
  /** `userId`, when known, lets the other instances close that session's sockets too. */
  sessionEnded(sessionToken: string, userId?: string): void;
}

export interface AdminRouteDeps {
  records: Pick<RecordStores, 'participants' | 'users' | 'processes' | 'documents'>;
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

/** `/api/admin/*`: participants, users, roles per document, the audit log. Administrators only. */
export function adminRoutes({ records, sessions, audit, access }: AdminRouteDeps): Router {
  const { participants, users, processes, documents } = records;
  const router = Router();
  router.use('/api/admin', requireAdmin);
  const actorOf = (request: Request, response: Response) => {
    const user = signedInUser(response);
    return { userId: user.id, email: user.email, ip: request.ip };
  };

  router.get('/api/admin/participants', async (_request, response) => {
    response.json(await participants.list());
  });
  router.post('/api/admin/participants', async (request, response) => {
    const input = parseBody(participantSchema, request.body);
    try {
      const created = await participants.create({ ...input, color: participantColor(input.code) });
      audit.record('participant-created', actorOf(request, response), created.code, { name: created.name });
      response.status(201).json(created);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new HttpError(409, 'conflict', `A participant ${input.code} exists.`);
      throw error;
    }
  });

  router.get('/api/admin/users', async (_request, response) => {
    response.json(await users.list());
  });
  router.post('/api/admin/users', async (request, response) => {
    const input = parseBody(userSchema, request.body);
    const unknownParticipant = new BadRequestError('participantId: unknown participant');
    if (!(await participants.findById(input.participantId))) throw unknownParticipant;
    let id: string;
    try {
      id = await users.create({ ...input, passwordHash: await hashPassword(input.password) });
    } catch (error) {
      if (isUniqueViolation(error)) throw new HttpError(409, 'conflict', `An account ${input.email} exists.`);
      if (isForeignKeyViolation(error)) throw unknownParticipant;
      throw error;
    }
    audit.record('user-created', actorOf(request, response), input.email, { isAdmin: input.isAdmin });
    response.status(201).json(await users.findById(id));
  });
  router.post('/api/admin/users/:id/password-reset', async (request, response) => {
    const user = await users.findById(routeParam(request, 'id'));
    if (!user) throw new NotFoundError('No such user.');
    const temporaryPassword = randomBytes(12).toString('base64url');
    await users.setPasswordHash(user.id, await hashPassword(temporaryPassword));
    await sessions.closeAllFor(user.id);
    await access.accessChanged({ userId: user.id, signedOut: true });
    audit.record('password-reset', actorOf(request, response), user.email);
    response.json({ temporaryPassword });
  });

  router.get('/api/admin/processes', async (_request, response) => {
    const listed = await processes.list();
    const memberships = await Promise.all(listed.map((process) => processes.listMemberships(process.id)));
    response.json(listed.map((process, i) => ({ ...process, participants: memberships[i] })));
  });
  router.put('/api/admin/processes/:processId/participants/:participantId', async (request, response) => {
    const { defaultRole } = parseBody(defaultRoleSchema, request.body);
    const processId = routeParam(request, 'processId');
    const participant = await participants.findById(routeParam(request, 'participantId'));
    if (!participant || !(await processes.list()).some((p) => p.id === processId)) throw new NotFoundError();
    await processes.setParticipant(processId, participant.id, defaultRole);
    audit.record('process-role-changed', actorOf(request, response), participant.code, {
      processId,
      defaultRole,
    });
    await access.accessChanged({});
    response.status(204).end();
  });

  router.get('/api/admin/documents', async (_request, response) => {
    response.json(await documents.listAll());
  });
  router.get('/api/admin/documents/:id/roles', async (request, response) => {
    const documentId = routeParam(request, 'id');
    if (!(await documents.exists(documentId))) throw new NotFoundError('No such document.');
    response.json(await documents.listUserRoles(documentId));
  });
  router.put('/api/admin/documents/:id/roles/:userId', async (request, response) => {
    const documentId = routeParam(request, 'id');
    const user = await users.findById(routeParam(request, 'userId'));
    if (!(await documents.exists(documentId)) || !user) throw new NotFoundError();
    const { role } = parseBody(documentRoleSchema, request.body);
    if (role === null) await documents.clearUserRole(documentId, user.id);
    else await documents.setUserRole(documentId, user.id, role);
    audit.record('role-changed', actorOf(request, response), user.email, {
      documentId,
      role: role ?? 'default',
    });
    await access.accessChanged({ userId: user.id, documentId });
    response.status(204).end();
  });

  router.get('/api/admin/audit', async (request, response) => {
    const requested = Math.trunc(Number(request.query.limit));
    const limit = requested > 0 ? Math.min(requested, 500) : 100; // 100 a page unless asked; 500 at most
    const before = Number(request.query.before) || undefined;
    response.json(await audit.list(limit, before));
  });
  router.get('/api/admin/audit/verify', async (_request, response) => {
    response.json(await audit.verify());
  });

  return router;
}
