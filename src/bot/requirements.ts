// Enforces a command's declared requirements (src/bot/command.ts) on the server side, with one
// wording for every refusal. The router calls this before a command, a button or a modal runs.
import { PermissionFlagsBits, PermissionsBitField, type Interaction } from 'discord.js';
import { MemberError } from '../member-error.ts';
import { parseCustomId, type CommandModule } from './command.ts';

/** Discord's names in its client, where they differ from the API's flag names. */
const DISPLAY_NAMES: Partial<Record<keyof typeof PermissionFlagsBits, string>> = {
  ManageGuild: 'Manage Server',
  ViewChannel: 'View Channels',
  ModerateMembers: 'Timeout Members',
};

export function permissionNames(bits: bigint): string[] {
  return new PermissionsBitField(bits).toArray().map((flag) => DISPLAY_NAMES[flag] ?? flag.replace(/([a-z])([A-Z])/g, '$1 $2'));
}

function describeUse(command: CommandModule, interaction: Interaction): { what: string; needed: bigint } {
  const { requirements } = command;
  const name = command.data.name;
  let needed = requirements.permissions ?? 0n;
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    const sub = interaction.options.getSubcommand(false);
    if (sub) needed |= requirements.subcommands?.[sub] ?? 0n;
    return { what: sub ? `/${name} ${sub}` : `/${name}`, needed };
  }
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
    needed |= requirements.actions?.[parseCustomId(interaction.customId).action] ?? 0n;
    return { what: `This ${interaction.isModalSubmit() ? 'form' : 'button'} of /${name}`, needed };
  }
  return { what: `/${name}`, needed };
}

/** Throws a MemberError when the interaction does not meet the command's requirements. */
export function enforceRequirements(command: CommandModule, interaction: Interaction): void {
  const { what, needed } = describeUse(command, interaction);
  if (command.requirements.guildOnly && !interaction.inGuild()) {
    throw new MemberError('guild-only', `${what} works inside a server, not in direct messages.`);
  }
  if (needed === 0n) return;
  const has = interaction.inGuild() ? (interaction.memberPermissions?.bitfield ?? 0n) : 0n;
  const missing = needed & ~has;
  // Administrator implies every permission, as in Discord's own checks.
  if (missing === 0n || (has & PermissionFlagsBits.Administrator) !== 0n) return;
  const names = permissionNames(missing);
  throw new MemberError('missing-permission', `${what} needs the ${names.join(' and ')} permission${names.length > 1 ? 's' : ''}.`, {
    details: { missing: names },
  });
}
