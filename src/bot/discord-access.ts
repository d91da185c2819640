// What goes wrong between the bot and Discord before it is online (a refused token, an API that
// cannot be reached) becomes a DiscordAccessError: one line naming the cause and the fix, for the
// operator. The original error is kept as its cause, so the debug log still has all of it.
import { causesOf } from '../error-causes.ts';
import { OperatorError } from '../operator-error.ts';
import { DiscordAPIError, DiscordjsErrorCodes, REST, Routes } from 'discord.js';

export class DiscordAccessError extends OperatorError {
  override name = 'DiscordAccessError';
}

export type DiscordTarget = {
  /** DISCORD_API_URL; absent means Discord itself. */
  apiUrl?: string;
  /** The server commands were being registered in, if any. */
  guildId?: string;
};

const DISCORD_API = 'https://discord.com/api';

/** One attempt of discord.js's own REST client waits as long; login would retry three times. */
const ACCESS_CHECK_TIMEOUT_MS = 15_000;

const TOKEN_FIX =
  'Set DISCORD_TOKEN to the token on the Bot page of your application in the Discord developer portal (Reset Token there gives a new one).';

type NetworkFailure = { code: string; hostname?: string };

/** The first error with a system or undici error code among the causes (fetch wraps them). */
function networkFailureIn(error: unknown): NetworkFailure | undefined {
  for (const cause of causesOf(error)) {
    if (!(cause instanceof Error)) continue;
    const { code, hostname } = cause as Error & { code?: unknown; hostname?: unknown };
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return { code, ...(typeof hostname === 'string' ? { hostname } : {}) };
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function unreachable(target: DiscordTarget, what: string, cause: unknown): DiscordAccessError {
  const fix = target.apiUrl
    ? 'Check DISCORD_API_URL, or leave it unset to use Discord itself.'
    : "Check this machine's internet connection, DNS and firewall: the bot needs HTTPS access to discord.com.";
  return new DiscordAccessError(`Cannot reach Discord at ${target.apiUrl ?? DISCORD_API}: ${what}. ${fix}`, { cause });
}

function describeNetworkFailure(failure: NetworkFailure): string {
  switch (failure.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${failure.hostname ? `${failure.hostname} ` : ''}does not resolve (${failure.code})`;
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED)';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `the connection timed out (${failure.code})`;
    default:
      return `the connection failed (${failure.code})`;
  }
}

/** The same failure as a DiscordAccessError, or undefined when it is not one an operator can fix. */
export function explainDiscordFailure(error: unknown, target: DiscordTarget): DiscordAccessError | undefined {
  if (error instanceof DiscordAccessError) return error;
  const tokenRefused =
    (error instanceof DiscordAPIError && error.status === 401) ||
    (error instanceof Error && (error as { code?: unknown }).code === DiscordjsErrorCodes.TokenInvalid);
  if (tokenRefused) return new DiscordAccessError(`Discord refused the bot token (401 Unauthorized). ${TOKEN_FIX}`, { cause: error });
  if (error instanceof DiscordAPIError) {
    const summary = `${error.status} ${error.message.split('\n').join('; ')}`;
    if (error.status === 403 && target.guildId) {
      return new DiscordAccessError(
        `Discord refused to register the commands in server ${target.guildId} (${summary}). ` +
          'Invite the bot to that server with the applications.commands scope, or check the --guild id.',
        { cause: error },
      );
    }
    return new DiscordAccessError(`Discord answered ${error.method} ${new URL(error.url).pathname} with ${summary} (code ${error.code}).`, {
      cause: error,
    });
  }
  const failure = networkFailureIn(error);
  if (failure) return unreachable(target, describeNetworkFailure(failure), error);
  if (isTimeout(error)) return unreachable(target, 'it did not answer in time', error);
  return undefined;
}

/**
 * Asks Discord for the gateway with the bot's token, once: login does the same with retries, so a
 * wrong token or no network would otherwise show only once the retries are spent. `done` rejects
 * with a DiscordAccessError; `cancel()` drops the question when the start failed elsewhere first.
 */
export function startDiscordAccessCheck(token: string, target: DiscordTarget): { done: Promise<void>; cancel(): void } {
  const controller = new AbortController();
  const rest = new REST({ ...(target.apiUrl ? { api: target.apiUrl } : {}), retries: 0, timeout: ACCESS_CHECK_TIMEOUT_MS }).setToken(token);
  const done = rest
    .get(Routes.gatewayBot(), { signal: controller.signal })
    .then(
      () => undefined,
      (error: unknown) => {
        throw explainDiscordFailure(error, target) ?? error;
      },
    )
    .finally(() => {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    });
  // Reported where it is awaited; until then a failure must not count as unhandled.
  done.catch(() => {});
  return { done, cancel: () => controller.abort() };
}
