// The optional weekly winner role. Giving a role needs the Manage Roles permission and a bot role
// above the winner role; when either is missing, the moderators are told exactly that.
import { PermissionFlagsBits, type Client, type Guild } from 'discord.js';

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

export type WinnerRoleOutcome = { given: string[]; removed: string[]; problem?: string };

/** Gives the role to this week's winners and takes it from last week's winners who did not win again. */
export async function applyWinnerRole(
  client: Client<true>,
  guildId: string,
  roleId: string,
  winners: string[],
  previousWinners: string[],
): Promise<WinnerRoleOutcome> {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return { given: [], removed: [], problem: 'The bot is no longer in this server.' };
  const problem = await winnerRoleProblem(guild, roleId);
  if (problem) return { given: [], removed: [], problem };
  const given: string[] = [];
  const removed: string[] = [];
  for (const userId of previousWinners.filter((id) => !winners.includes(id))) {
    await guild.members.removeRole({ user: userId, role: roleId, reason: 'Mock exam: last week\'s winner' }).then(
      () => removed.push(userId),
      () => {}, // the member left the server
    );
  }
  for (const userId of winners) {
    await guild.members.addRole({ user: userId, role: roleId, reason: 'Mock exam: winner of the week' }).then(
      () => given.push(userId),
      () => {},
    );
  }
  return { given, removed };
}
