import { describe, expect, it } from 'vitest';
import { DiscordOpenApi, describeErrors } from './support/fake-discord/openapi.ts';
import { DEFAULT_SPEC_PATH } from './support/fake-discord/fake-discord.ts';
import { SnowflakeGenerator, snowflakeTimestamp } from './support/fake-discord/snowflake.ts';

const api = DiscordOpenApi.load(DEFAULT_SPEC_PATH);
const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
const EDIT_ORIGINAL = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';
const CREATE_MESSAGE = '/channels/{channel_id}/messages';

describe("Discord's OpenAPI description as used by the fake", () => {
  it('maps request paths to templates, literal segments first', () => {
    expect(api.match('/webhooks/1/tok/messages/%40original')).toEqual({ template: EDIT_ORIGINAL, params: { webhook_id: '1', webhook_token: 'tok' } });
    expect(api.match('/webhooks/1/tok/messages/99')?.template).toBe('/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}');
    expect(api.match('/users/@me')?.template).toBe('/users/@me');
    expect(api.match('/users/42')?.params).toEqual({ user_id: '42' });
    expect(api.match('/not/a/route')).toBeNull();
  });

  it('accepts the bodies discord.js sends for ordinary replies', () => {
    expect(api.checkBody('POST', CALLBACK, { type: 4, data: { content: 'hi', embeds: [{ title: 'T', fields: [{ name: 'a', value: 'b', inline: true }] }] } }).valid).toBe(true);
    expect(api.checkBody('POST', CALLBACK, { type: 5, data: { flags: 64 } }).valid).toBe(true);
    expect(api.checkBody('POST', CALLBACK, { type: 8, data: { choices: [{ name: 'nlp', value: 'nlp' }] } }).valid).toBe(true);
    expect(api.checkBody('PATCH', EDIT_ORIGINAL, { content: 'x'.repeat(2000) }).valid).toBe(true);
  });

  it.each([
    ['follow-up content over 2000 characters', 'POST', '/webhooks/{webhook_id}/{webhook_token}', { content: 'x'.repeat(2001) }, /\/content must NOT have more than 2000 characters/],
    ['26 embed fields', 'PATCH', EDIT_ORIGINAL, { embeds: [{ title: 't', fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] }, /\/embeds\/0\/fields must NOT have more than 25 items/],
    ['an embed title over 256 characters', 'POST', CALLBACK, { type: 4, data: { embeds: [{ title: 'x'.repeat(257) }] } }, /\/data\/embeds\/0\/title must NOT have more than 256 characters/],
    ['a button label over 80 characters', 'POST', CREATE_MESSAGE, { components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'c', label: 'x'.repeat(81) }] }] }, /label must NOT have more than 80 characters/],
    ['26 autocomplete choices', 'POST', CALLBACK, { type: 8, data: { choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) } }, /\/data\/choices must NOT have more than 25 items/],
  ])('refuses %s', (_name, method, template, body, message) => {
    const check = api.checkBody(method, template, body);
    expect(check.valid).toBe(false);
    expect(describeErrors(check.errors)).toMatch(message);
  });

  it("builds Discord's nested error tree", () => {
    const check = api.checkBody('PATCH', EDIT_ORIGINAL, { content: 'x'.repeat(2001) });
    expect(check.discordErrors).toEqual({ content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } });
  });

  it('leaves bodies of operations without a JSON schema unchecked', () => {
    expect(api.checkBody('PUT', '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', {}).unchecked).toBe(true);
  });
});

describe('snowflakes', () => {
  it('are strictly increasing and carry the current time', () => {
    const ids = new SnowflakeGenerator();
    const made = Array.from({ length: 5000 }, () => BigInt(ids.next()));
    for (let i = 1; i < made.length; i++) expect(made[i] > made[i - 1]).toBe(true);
    expect(Math.abs(snowflakeTimestamp(made[0].toString()).getTime() - Date.now())).toBeLessThan(60_000);
  });
});
