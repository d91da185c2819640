// Which database errors mean "the database is unreachable for now" (worth trying again) rather
// than "this statement will fail every time" (a value the database refuses, a bug).
import { causesOf } from '../error-causes.ts';

/** postgres.js's own codes, the socket's, and SQLSTATE connection exceptions (08xxx) and shutdowns. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** True when the error (or one it was caused by, as drizzle wraps them) is a lost connection. */
export function isConnectionError(error: unknown): boolean {
  for (const cause of causesOf(error)) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  }
  return false;
}
