import { type Logger, pino } from 'pino';

export type { Logger };

/** The server's structured logger (JSON lines on stdout). Injected everywhere; never `console`. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { service: 'draftroom' } }, destination ?? process.stdout);
}
