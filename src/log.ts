// Structured logs (JSON lines on stdout) through pino.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'tf-study-bot' } });
}

/** A logger that writes nothing, for tests and library callers that bring none. */
export const silentLogger: Logger = pino({ level: 'silent' });
