import { z } from 'zod';

/** `POST /api/session` body. */
export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});
export type SignInRequest = z.infer<typeof signInSchema>;

/** Document ids are opaque URL-safe strings. */
export const documentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
