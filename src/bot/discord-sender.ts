// Messages the bot sends by itself (scheduled posts, reminders, quiz posts and their edits), over
// Discord's REST API only: the bot process and `tf-study-bot jobs run-due` (no gateway) send the
// same way. A nonce with enforce_nonce makes Discord drop a repeat of the same message, so a slot
// retried after a crash cannot post twice. Failures come back as reasons a moderator can act on.
import { DiscordAPIError, Routes, type AttachmentBuilder, type REST } from 'discord.js';
import { createHash } from 'node:crypto';

type JsonConvertible = { toJSON(): unknown };

export type OutgoingMessage = {
  content?: string;
  embeds?: Array<JsonConvertible | Record<string, unknown>>;
  components?: JsonConvertible[];
  files?: AttachmentBuilder[];
  /** The only members the message may ping (a reminder pings its member); nobody else ever. */
  mentionUsers?: string[];
};

export interface MessageSender {
  /** Posts in a channel; `dedupeKey` names the delivery (Discord drops a repeat for a few minutes). */
  send(channelId: string, message: OutgoingMessage, dedupeKey?: string): Promise<{ messageId: string; channelId: string }>;
  /** Sends a direct message to a user. */
  sendDirect(userId: string, message: OutgoingMessage, dedupeKey?: string): Promise<{ messageId: string; channelId: string }>;
  edit(channelId: string, messageId: string, message: OutgoingMessage): Promise<void>;
  guildName(guildId: string): Promise<string>;
  /**
   * Edits an interaction's original reply through its webhook: no bot token needed, valid for the
   * 15 minutes Discord keeps the interaction's token.
   */
  editInteractionReply(applicationId: string, token: string, message: OutgoingMessage): Promise<void>;
}

/** Why Discord refused a message, in words for /config and the log; undefined when not Discord's refusal. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly reason: 'unknown-channel' | 'missing-access' | 'missing-permission' | 'dms-closed' | 'reply-gone' | 'other',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Discord accepts a nonce of at most 25 characters. */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

function deliveryError(error: unknown, where: string): unknown {
  if (!(error instanceof DiscordAPIError)) return error;
  switch (error.code) {
    case 10003:
      return new DeliveryError('unknown-channel', `${where} no longer exists`, { cause: error });
    case 50001:
      return new DeliveryError('missing-access', `the bot cannot see ${where}`, { cause: error });
    case 50013:
      return new DeliveryError('missing-permission', `the bot lacks the permission to post in ${where}`, { cause: error });
    case 50007:
      return new DeliveryError('dms-closed', 'the member does not accept direct messages', { cause: error });
    default:
      return new DeliveryError('other', `Discord refused the message (${error.code}: ${error.message})`, { cause: error });
  }
}

function bodyOf(message: OutgoingMessage, dedupeKey?: string) {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    ...(message.embeds ? { embeds: message.embeds.map((e) => ('toJSON' in e && typeof e.toJSON === 'function' ? e.toJSON() : e)) } : {}),
    ...(message.components ? { components: message.components.map((c) => c.toJSON()) } : {}),
    ...(message.files ? { attachments: message.files.map((file, id) => ({ id: String(id), filename: file.name })) } : {}),
    // Text in these messages comes from members and files: it pings nobody.
    allowed_mentions: { parse: [], ...(message.mentionUsers ? { users: message.mentionUsers } : {}) },
    ...(dedupeKey ? { nonce: nonceFor(dedupeKey), enforce_nonce: true } : {}),
  };
}

function filesOf(message: OutgoingMessage) {
  return message.files?.map((file) => ({ name: file.name ?? 'file', data: file.attachment as Buffer }));
}

export function restSender(rest: REST): MessageSender {
  const post = async (channelId: string, message: OutgoingMessage, dedupeKey: string | undefined, where: string) => {
    try {
      const created = (await rest.post(Routes.channelMessages(channelId), { body: bodyOf(message, dedupeKey), files: filesOf(message) })) as { id: string };
      return { messageId: created.id, channelId };
    } catch (error) {
      throw deliveryError(error, where);
    }
  };
  return {
    send: (channelId, message, dedupeKey) => post(channelId, message, dedupeKey, `the channel <#${channelId}>`),
    async sendDirect(userId, message, dedupeKey) {
      let channel: { id: string };
      try {
        channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
      } catch (error) {
        throw deliveryError(error, 'the direct message channel');
      }
      return post(channel.id, message, dedupeKey, 'the direct message channel');
    },
    async edit(channelId, messageId, message) {
      try {
        await rest.patch(Routes.channelMessage(channelId, messageId), { body: bodyOf(message), files: filesOf(message) });
      } catch (error) {
        throw deliveryError(error, `the channel <#${channelId}>`);
      }
    },
    async editInteractionReply(applicationId, token, message) {
      try {
        await rest.patch(Routes.webhookMessage(applicationId, token, '@original'), { body: bodyOf(message), files: filesOf(message), auth: false });
      } catch (error) {
        // 50027 Invalid Webhook Token (expired after 15 minutes), 10015 Unknown Webhook, 10008 the reply was deleted.
        if (error instanceof DiscordAPIError && [50027, 10015, 10008].includes(Number(error.code))) {
          throw new DeliveryError('reply-gone', 'the interaction\'s reply can no longer be edited', { cause: error });
        }
        throw error;
      }
    },
    async guildName(guildId) {
      const guild = (await rest.get(Routes.guild(guildId))) as { name: string };
      return guild.name;
    },
  };
}
