// Requirements the fake Discord cannot reach: a command used in direct messages (the fake has only
// servers) and an Administrator, who holds every permission. Interactions are minimal stand-ins
// for discord.js's, with the type guards the checks use.
import { PermissionFlagsBits, PermissionsBitField, type Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { CommandModule } from '../../src/bot/command.ts';
import { enforceRequirements, permissionNames } from '../../src/bot/requirements.ts';
import { MemberError } from '../../src/member-error.ts';

function slashCommand(options: { subcommand?: string; inGuild: boolean; permissions?: bigint }): Interaction {
  return {
    isChatInputCommand: () => true,
    isAutocomplete: () => false,
    isMessageComponent: () => false,
    isModalSubmit: () => false,
    inGuild: () => options.inGuild,
    options: { getSubcommand: () => options.subcommand ?? null },
    memberPermissions: options.inGuild ? new PermissionsBitField(options.permissions ?? 0n) : null,
  } as unknown as Interaction;
}

const tip = {
  data: { name: 'tip', toJSON: () => ({ name: 'tip', description: 'tips' }) },
  requirements: { guildOnly: true, subcommands: { review: PermissionFlagsBits.ManageGuild } },
  execute: async () => {},
} satisfies CommandModule;

function refusal(interaction: Interaction): MemberError | undefined {
  try {
    enforceRequirements(tip, interaction);
    return undefined;
  } catch (error) {
    return error as MemberError;
  }
}

describe('command requirements', () => {
  it('refuses a server-only command in direct messages', () => {
    const error = refusal(slashCommand({ subcommand: 'show', inGuild: false }));
    expect(error).toBeInstanceOf(MemberError);
    expect(error).toMatchObject({ code: 'guild-only', memberMessage: '/tip show works inside a server, not in direct messages.' });
  });

  it('lets an Administrator through without the named permission, and nobody else', () => {
    expect(refusal(slashCommand({ subcommand: 'review', inGuild: true, permissions: PermissionFlagsBits.Administrator }))).toBeUndefined();
    expect(refusal(slashCommand({ subcommand: 'review', inGuild: true, permissions: PermissionFlagsBits.SendMessages }))).toMatchObject({
      code: 'missing-permission',
      memberMessage: '/tip review needs the Manage Server permission.',
    });
    expect(refusal(slashCommand({ subcommand: 'show', inGuild: true }))).toBeUndefined();
  });

  it('names permissions as Discord\'s client shows them', () => {
    // In the order of Discord's permission bits.
    expect(permissionNames(PermissionFlagsBits.ManageRoles | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild)).toEqual([
      'Manage Server',
      'Send Messages',
      'Manage Roles',
    ]);
  });
});
