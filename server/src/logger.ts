import { type Logger, pino } from 'pino';
import { standardOutputDestination } from './logDestination';

export type { Logger };

/** Bytes of log lines held while standard output cannot be written (`LOG_BUFFER_MAX_BYTES`'s default). */
export const DEFAULT_LOG_BUFFER_BYTES = 1024 * 1024;

/**
 * The server's structured logger (JSON lines on stdout). Injected everywhere; never `console`.
 * A failing log write (full disk, closed pipe) never ends the process: on standard output the
 * lines wait (up to `maxBufferedBytes`, then are dropped and counted) and a warning reports the
 * outage once writing works again; on a given `destination` stream, errors are ignored.
 * @param level pino level: fatal, error, warn, info, debug, trace, silent
 * @param destination a stream instead of standard output (the admin CLI logs to stderr)
 * @param maxBufferedBytes bytes of lines kept while standard output fails (default 1 MiB)
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  maxBufferedBytes = DEFAULT_LOG_BUFFER_BYTES,
): Logger {
  const options = { level, base: { service: 'draftroom' } };
  if (destination) {
    destination.on('error', () => {});
    return pino(options, destination);
  }
  const output = standardOutputDestination(maxBufferedBytes);
  const logger = pino(options, output.stream);
  output.onRecovered = (outage) =>
    logger.warn({ logOutage: outage }, 'the log could not be written for a while; lines may be missing');
  return logger;
}
