// Rules for the text of a tip, shared by the knowledge-base loader and by tips that members propose
// from Discord. A tip is shown as one embed: the title as the embed title, the body as its
// description, and the snippet inside a ```python block in one embed field (whose value may hold at
// most 1024 characters, hence the 900-character snippet limit with room for the fence).

import { ok, refused, type Result } from '../result.ts';

export const TIP_TITLE_MAX = 100;
export const TIP_BODY_MAX = 1500;
export const TIP_BODY_MAX_LINES = 20;
export const TIP_SNIPPET_MAX = 900;
export const TIP_SNIPPET_MAX_LINES = 40;

export type TipTextInput = { title: string; body: string; snippet?: string | null };
export type TipText = { title: string; body: string; snippet?: string };
export type TipTextCheck = Result<TipText, string[]>;

type FieldName = 'title' | 'body' | 'snippet';

const MASS_MENTION = /@(everyone|here)\b/i;
// <@123>, <@!123> (user) and <@&123> (role). Channel links (<#123>) do not ping anyone.
const USER_OR_ROLE_MENTION = /<@[!&]?\d+>/;
const INVITE_LINK = /\b(discord\.gg|discord(app)?\.com\/invite)\/[A-Za-z0-9-]+/i;
// Control characters other than tab and newline, zero-width and bidi-override characters render as
// garbage or hide text.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/;

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Code keeps its indentation: only blank lines around it and trailing spaces are removed. */
function trimSnippet(text: string): string {
  return normaliseNewlines(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function capitalised(field: FieldName): string {
  return `The ${field}`;
}

/** Problems shared by every field: mentions, invites, control characters. */
function checkCommonRules(field: FieldName, text: string, problems: string[]): void {
  problems.push(...sharedTextProblems(capitalised(field), text));
}

/**
 * What text shown to a whole server must not hold: mass, user and role mentions, Discord invites,
 * invisible or control characters. `name` starts each problem ("The title", "The explanation").
 */
export function sharedTextProblems(name: string, text: string): string[] {
  const problems: string[] = [];
  const mass = MASS_MENTION.exec(text);
  if (mass) problems.push(`${name} contains "${mass[0]}"; mass mentions are not allowed.`);
  const mention = USER_OR_ROLE_MENTION.exec(text);
  if (mention) {
    problems.push(`${name} contains the mention "${mention[0]}"; user and role mentions are not allowed.`);
  }
  if (INVITE_LINK.test(text)) problems.push(`${name} contains a Discord invite link; invite links are not allowed.`);
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    problems.push(`${name} contains the invisible or control character U+${code}; remove it.`);
  }
  return problems;
}

function checkLength(field: FieldName, text: string, max: number, problems: string[]): void {
  if (text.length > max) {
    problems.push(`${capitalised(field)} is ${text.length} characters; the limit is ${max}.`);
  }
}

/**
 * Trims and checks the text of a tip. Returns the cleaned text, or every problem found, each
 * phrased so that a member can fix it ("The title is 130 characters; the limit is 100.").
 */
export function checkTipText(input: TipTextInput): TipTextCheck {
  const problems: string[] = [];
  const title = normaliseNewlines(String(input.title ?? '')).trim();
  const body = normaliseNewlines(String(input.body ?? ''))
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
  const snippet =
    input.snippet === undefined || input.snippet === null ? undefined : trimSnippet(String(input.snippet));

  if (title === '') {
    problems.push('The title is empty; write a short title.');
  } else {
    checkLength('title', title, TIP_TITLE_MAX, problems);
    if (title.includes('\n')) problems.push('The title spans several lines; keep it on one line.');
    if (title.includes('`'.repeat(3))) problems.push('The title contains ``` (a code fence); titles cannot hold code blocks.');
    checkCommonRules('title', title, problems);
  }

  if (body === '') {
    problems.push('The body is empty; write the tip itself.');
  } else {
    checkLength('body', body, TIP_BODY_MAX, problems);
    const lines = lineCount(body);
    if (lines > TIP_BODY_MAX_LINES) {
      problems.push(`The body has ${plural(lines, 'line')}; the limit is ${TIP_BODY_MAX_LINES}.`);
    }
    // Code belongs in the snippet, which the bot wraps in its own fence; a fence in the body
    // (balanced or not) would swallow the rest of the embed when it is unbalanced.
    if (body.includes('`'.repeat(3))) {
      problems.push('The body contains ``` (a code fence); put code in the snippet instead.');
    }
    checkCommonRules('body', body, problems);
  }

  if (snippet !== undefined) {
    if (snippet === '') {
      problems.push('The snippet is empty; leave it out or add some code.');
    } else {
      checkLength('snippet', snippet, TIP_SNIPPET_MAX, problems);
      const lines = lineCount(snippet);
      if (lines > TIP_SNIPPET_MAX_LINES) {
        problems.push(`The snippet has ${plural(lines, 'line')}; the limit is ${TIP_SNIPPET_MAX_LINES}.`);
      }
      if (snippet.includes('`'.repeat(3))) {
        problems.push('The snippet contains ``` (a code fence); the bot adds the fence itself, so remove it.');
      }
      checkCommonRules('snippet', snippet, problems);
    }
  }

  if (problems.length > 0) return refused(problems);
  return ok(snippet === undefined ? { title, body } : { title, body, snippet });
}
