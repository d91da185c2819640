// The optional weekly winner role. Giving a role needs the Manage Roles permission and a bot role
// above the winner role; when either is missing, the moderators are told exactly that.
import { DiscordAPIError, PermissionFlagsBits, type Client, type Guild } from 'discord.js';
import type { Logger } from '../log.ts';

export async function winnerRoleProblem(guild: Guild, roleId: string): Promise<string | undefined> {
  const role = guild.roles.cache.get(roleId) ?? (await guild.roles.fetch(roleId).catch(() => null));
  if (!role) return 'The winner role no longer exists. Pick another one with /config.';
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  if (!me) return 'The bot could not check its own permissions in this server.';
  if (!me.permissions.has(PermissionFlagsBits.ManageRoles)) {
    return `The bot lacks the Manage Roles permission, so it cannot give ${role.name} to the week's winners. Grant Manage Roles to the bot's role.`;
  }
  if (role.managed) return `${role.name} is managed by an integration; Discord does not let bots give it.`;
  if (me.roles.highest.comparePositionTo(role) <= 0) {
    return `The bot's highest role is not above ${role.name}, so Discord does not let it give that role. Move the bot's role above ${role.name} in Server Settings → Roles.`;
  }
  return undefined;
}

/** A change Discord refused (the member left the server, the role was deleted meanwhile, ...). */
export type WinnerRoleFailure = { userId: string; change: 'add' | 'remove'; reason: string };

export type WinnerRoleOutcome = { given: string[]; removed: string[]; failed: WinnerRoleFailure[]; problem?: string };

function reasonOf(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.status} ${error.message} (code ${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Gives the role to this week's winners and takes it from last week's winners who did not win again.
 * Each change Discord refuses is logged with the server, role, member and reason, and returned.
 */
export async function applyWinnerRole(
  client: Client<true>,
  logger: Logger,
  guildId: string,
  roleId: string,
  winners: string[],
  previousWinners: string[],
): Promise<WinnerRoleOutcome> {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return { given: [], removed: [], failed: [], problem: 'The bot is no longer in this server.' };
  const problem = await winnerRoleProblem(guild, roleId);
  if (problem) return { given: [], removed: [], failed: [], problem };
  const outcome: WinnerRoleOutcome = { given: [], removed: [], failed: [] };
  const change = async (userId: string, kind: 'add' | 'remove'): Promise<void> => {
    try {
      if (kind === 'add') {
        await guild.members.addRole({ user: userId, role: roleId, reason: 'Mock exam: winner of the week' });
        outcome.given.push(userId);
      } else {
        await guild.members.removeRole({ user: userId, role: roleId, reason: 'Mock exam: last week\'s winner' });
        outcome.removed.push(userId);
      }
    } catch (error) {
      const reason = reasonOf(error);
      outcome.failed.push({ userId, change: kind, reason });
      logger.warn({ guildId, roleId, userId, change: kind, reason }, 'winner role change failed');
    }
  };
  for (const userId of previousWinners.filter((id) => !winners.includes(id))) await change(userId, 'remove');
  for (const userId of winners) await change(userId, 'add');
  return outcome;
}
