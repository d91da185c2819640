// A real pino logger whose JSON lines the test reads: every line in `lines`, and each one handed to
// `onLine` as it is written (to wake a test waiting for a line).
import { Writable } from 'node:stream';
import { pino, type Level } from 'pino';
import type { Logger } from '../../src/log.ts';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export function recordingLogger(level: Level = 'info', onLine?: (line: LogLine) => void): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const text of String(chunk).trim().split('\n')) {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        onLine?.(line);
      }
      callback();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
