import type { z } from 'zod';
import { BadRequestError } from '../errors';

/** Validates a request body, answering 400 with the first problem named. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new BadRequestError(
      first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'Invalid request.',
    );
  }
  return result.data;
}
