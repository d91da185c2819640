// A short reference for an error: the member is shown it, the log line with the details carries
// it, so a moderator can find what happened without the member seeing the bot's internals.
import { randomBytes } from 'node:crypto';

export function errorRef(): string {
  return randomBytes(3).toString('hex').toUpperCase().slice(0, 4);
}
