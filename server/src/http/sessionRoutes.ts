import { type MeResponse, type SessionResponse, signInSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../audit/auditLog';
import { CSRF_COOKIE, SESSION_COOKIE, sessionTokenOf } from '../auth/cookies';
import { decoyPasswordHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords';
import type { SessionService } from '../auth/sessionService';
import type { SignInThrottle } from '../auth/signInThrottle';
import { BadRequestError, TooManyRequestsError, UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import type { AsyncUserRepository } from '../store/users';
import type { AccessChangeListener } from './adminRoutes';
import { signedInUser } from './context';

export interface SessionRouteDeps {
  users: Pick<AsyncUserRepository, 'findByEmail' | 'setPasswordHash'>;
  sessions: SessionService;
  throttle: SignInThrottle;
  audit: AuditLog;
  access: AccessChangeListener;
  logger: Logger;
}

const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
});

function isHttps(request: Request): boolean {
  return request.secure || request.headers['x-forwarded-proto'] === 'https';
}

function lockedOut(seconds: number): TooManyRequestsError {
  const minutes = Math.ceil(seconds / 60);
  const when = seconds < 90 ? `${seconds} seconds` : `${minutes} minutes`;
  return new TooManyRequestsError(`Too many failed sign-ins. Try again in ${when}.`, seconds);
}

/** Sign in, sign out, the current user, and password change. */
export function sessionRoutes({
  users,
  sessions,
  throttle,
  audit,
  access,
  logger,
}: SessionRouteDeps): Router {
  const router = Router();

  router.post('/api/session', async (request: Request, response: Response) => {
    const parsed = signInSchema.safeParse(request.body);
    if (!parsed.success) throw new BadRequestError('Enter an email address and a password.');
    const { email, password } = parsed.data;
    const ip = request.ip ?? '';
    const waitSeconds = await throttle.retryAfterSeconds(email, ip);
    if (waitSeconds > 0) {
      audit.recordThrottled('sign-in-locked', { email, ip }, email, { retryAfterSeconds: waitSeconds });
      throw lockedOut(waitSeconds);
    }
    const account = await users.findByEmail(email);
    const valid = await verifyPassword(account?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!account || !valid) {
      await throttle.recordFailure(email, ip);
      // Anyone can repeat this from many addresses: aggregated per network like other refusals.
      audit.recordThrottled('sign-in-refused', { email, ip }, email);
      logger.info({ email, ip }, 'sign-in refused');
      const nowLocked = await throttle.retryAfterSeconds(email, ip);
      if (nowLocked > 0) throw lockedOut(nowLocked);
      throw new UnauthenticatedError('The email address or password is not correct.');
    }
    await throttle.recordSuccess(email);
    const session = await sessions.open(account.profile.id);
    const common = {
      sameSite: 'lax' as const,
      secure: isHttps(request),
      path: '/',
      expires: session.expiresAt,
    };
    response.cookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
    response.cookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
    audit.record('sign-in', { userId: account.profile.id, email, ip }, email);
    logger.info({ userId: account.profile.id, ip }, 'signed in');
    const body: MeResponse = { user: account.profile };
    response.json(body);
  });

  router.delete('/api/session', async (request: Request, response: Response) => {
    const token = sessionTokenOf(request);
    const user = response.locals.user as MeResponse['user'] | undefined;
    if (token) {
      // Deleted before the other instances are told, so their re-check finds it gone.
      await sessions.close(token);
      access.sessionEnded(token, user?.id);
    }
    if (user) audit.record('sign-out', { userId: user.id, email: user.email, ip: request.ip }, user.email);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
    response.status(204).end();
  });

  // The app's "who am I" probe: a signed-out visitor is an answer, not an error (a 401 would be logged
  // by the browser as a failed resource load on every sign-in page).
  router.get('/api/session', (_request: Request, response: Response) => {
    const body: SessionResponse = {
      user: (response.locals.user as SessionResponse['user'] | undefined) ?? null,
    };
    response.json(body);
  });

  router.get('/api/me', (_request: Request, response: Response) => {
    const body: MeResponse = { user: signedInUser(response) };
    response.json(body);
  });

  router.post('/api/me/password', async (request: Request, response: Response) => {
    const user = signedInUser(response);
    const parsed = passwordChangeSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new BadRequestError(`The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    const account = await users.findByEmail(user.email);
    if (!account || !(await verifyPassword(account.passwordHash, parsed.data.currentPassword))) {
      throw new BadRequestError('The current password is not correct.');
    }
    await users.setPasswordHash(user.id, await hashPassword(parsed.data.newPassword));
    // Every other session of the account ends: a changed password locks out whoever else had it.
    const currentToken = sessionTokenOf(request) ?? '';
    await sessions.closeOthersOf(user.id, currentToken);
    await access.accessChanged({ userId: user.id, signedOut: true, exceptSessionToken: currentToken });
    audit.record('password-changed', { userId: user.id, email: user.email, ip: request.ip }, user.email);
    response.status(204).end();
  });

  return router;
}
