import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config';
import { DEMO_PASSWORD, demoUsers } from './demo/participants';
import { survivePrintingFailures } from './logDestination';
import { createLogger } from './logger';
import { startServer } from './server';

// Built: server/dist/main.js → client at client/dist. From source: server/src/main.ts → same.
const here = dirname(fileURLToPath(import.meta.url));
// A full disk or a closed pipe on stdout/stderr must not end the server (see logDestination.ts).
survivePrintingFailures();
const config = loadConfig(process.env, join(here, '..', '..', 'client', 'dist'));
const logger = createLogger(config.logLevel, undefined, config.logBufferMaxBytes);

function printBanner(url: string): void {
  const lines = [
    '',
    `  Draftroom is running at ${url}`,
    '',
    `  Demo logins (password for all: ${DEMO_PASSWORD})`,
    ...demoUsers.map((user) => `    ${user.email.padEnd(30)} ${user.description}`),
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  const server = await startServer(config, logger);
  if (config.seedDemo) printBanner(server.url);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  logger.fatal({ err: error }, 'Draftroom could not start');
  process.exit(1);
}
