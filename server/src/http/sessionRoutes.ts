import { type MeResponse, signInSchema } from '@draftroom/shared';
import { type Request, type Response, Router } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE, sessionTokenOf } from '../auth/cookies';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import type { SessionService } from '../auth/sessionService';
import { BadRequestError, UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import type { UserRepository } from '../store/users';
import { signedInUser } from './context';

export interface SessionRouteDeps {
  users: UserRepository;
  sessions: SessionService;
  logger: Logger;
}

function isHttps(request: Request): boolean {
  return request.secure || request.headers['x-forwarded-proto'] === 'https';
}

/** `POST /api/session` (sign in), `DELETE /api/session` (sign out), `GET /api/me`. */
export function sessionRoutes({ users, sessions, logger }: SessionRouteDeps): Router {
  const router = Router();

  router.post('/api/session', async (request: Request, response: Response) => {
    const parsed = signInSchema.safeParse(request.body);
    if (!parsed.success) throw new BadRequestError('Enter an email address and a password.');
    const { email, password } = parsed.data;
    const account = users.findByEmail(email);
    const valid = await verifyPassword(account?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!account || !valid) {
      logger.info({ email, ip: request.ip }, 'sign-in refused');
      throw new UnauthenticatedError('The email address or password is not correct.');
    }
    const session = sessions.open(account.profile.id);
    const secure = isHttps(request);
    const common = { sameSite: 'lax' as const, secure, path: '/', expires: session.expiresAt };
    response.cookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
    response.cookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
    logger.info({ userId: account.profile.id, ip: request.ip }, 'signed in');
    const body: MeResponse = { user: account.profile };
    response.json(body);
  });

  router.delete('/api/session', (request: Request, response: Response) => {
    const token = sessionTokenOf(request);
    if (token) sessions.close(token);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
    response.status(204).end();
  });

  router.get('/api/me', (_request: Request, response: Response) => {
    const body: MeResponse = { user: signedInUser(response) };
    response.json(body);
  });

  return router;
}
