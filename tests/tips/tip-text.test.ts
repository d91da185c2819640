import { describe, expect, it } from 'vitest';
import {
  TIP_BODY_MAX,
  TIP_BODY_MAX_LINES,
  TIP_SNIPPET_MAX,
  TIP_TITLE_MAX,
  checkTipText,
  type TipTextCheck,
} from '../../src/tips/tip-text.ts';

const FENCE = '`'.repeat(3);

function problemsOf(check: TipTextCheck): string[] {
  return check.ok ? [] : check.reason;
}

describe('checkTipText', () => {
  it('accepts a valid tip and trims its text', () => {
    const check = checkTipText({
      title: '  Use EarlyStopping  ',
      body: '\n  Stop when val_loss stalls.   \nRestore the best weights.  \n\n',
      snippet: '\n\nif x:\n    y = 1   \n\n',
    });
    expect(check).toEqual({
      ok: true,
      value: {
        title: 'Use EarlyStopping',
        body: 'Stop when val_loss stalls.\nRestore the best weights.',
        snippet: 'if x:\n    y = 1',
      },
    });
  });

  it('keeps the indentation of the first snippet line', () => {
    const check = checkTipText({ title: 't', body: 'b', snippet: '    indented()\nnext()' });
    expect(check.ok && check.value.snippet).toBe('    indented()\nnext()');
  });

  it('leaves the snippet out when none is given, or when it is null', () => {
    expect(checkTipText({ title: 't', body: 'b' })).toEqual({ ok: true, value: { title: 't', body: 'b' } });
    expect(checkTipText({ title: 't', body: 'b', snippet: null })).toEqual({
      ok: true,
      value: { title: 't', body: 'b' },
    });
  });

  it('normalises Windows line endings', () => {
    const check = checkTipText({ title: 't', body: 'one\r\ntwo\rthree' });
    expect(check.ok && check.value.body).toBe('one\ntwo\nthree');
  });

  it('refuses an empty or blank title and body', () => {
    expect(problemsOf(checkTipText({ title: '   ', body: '\n\t ' }))).toEqual([
      'The title is empty; write a short title.',
      'The body is empty; write the tip itself.',
    ]);
  });

  it('refuses a snippet that is only whitespace', () => {
    expect(problemsOf(checkTipText({ title: 't', body: 'b', snippet: ' \n \n' }))).toEqual([
      'The snippet is empty; leave it out or add some code.',
    ]);
  });

  it('reports a title over the limit with its length', () => {
    const problems = problemsOf(checkTipText({ title: 'x'.repeat(130), body: 'b' }));
    expect(problems).toEqual([`The title is 130 characters; the limit is ${TIP_TITLE_MAX}.`]);
  });

  it('accepts a title of exactly the limit (measured after trimming)', () => {
    expect(checkTipText({ title: ` ${'x'.repeat(TIP_TITLE_MAX)} `, body: 'b' }).ok).toBe(true);
  });

  it('refuses a title on several lines', () => {
    expect(problemsOf(checkTipText({ title: 'one\ntwo', body: 'b' }))).toEqual([
      'The title spans several lines; keep it on one line.',
    ]);
  });

  it('reports a body over the character limit', () => {
    const problems = problemsOf(checkTipText({ title: 't', body: 'y'.repeat(TIP_BODY_MAX + 1) }));
    expect(problems).toEqual([`The body is ${TIP_BODY_MAX + 1} characters; the limit is ${TIP_BODY_MAX}.`]);
  });

  it('reports a body with too many lines', () => {
    const body = Array.from({ length: TIP_BODY_MAX_LINES + 1 }, (_, i) => `line ${i}`).join('\n');
    expect(problemsOf(checkTipText({ title: 't', body }))).toEqual([
      `The body has ${TIP_BODY_MAX_LINES + 1} lines; the limit is ${TIP_BODY_MAX_LINES}.`,
    ]);
    const atLimit = Array.from({ length: TIP_BODY_MAX_LINES }, (_, i) => `line ${i}`).join('\n');
    expect(checkTipText({ title: 't', body: atLimit }).ok).toBe(true);
  });

  it('reports a snippet over the character limit', () => {
    const snippet = 'z'.repeat(TIP_SNIPPET_MAX + 50);
    expect(problemsOf(checkTipText({ title: 't', body: 'b', snippet }))).toEqual([
      `The snippet is ${TIP_SNIPPET_MAX + 50} characters; the limit is ${TIP_SNIPPET_MAX}.`,
    ]);
  });

  it('keeps a snippet at the limit within an embed field once fenced', () => {
    const snippet = 'z'.repeat(TIP_SNIPPET_MAX);
    const check = checkTipText({ title: 't', body: 'b', snippet });
    expect(check.ok).toBe(true);
    expect(`${FENCE}python\n${snippet}\n${FENCE}`.length).toBeLessThanOrEqual(1024);
  });

  it('refuses code fences in the body, balanced or not', () => {
    for (const body of [`Look: ${FENCE}python\nx = 1`, `${FENCE}\nx = 1\n${FENCE}`]) {
      expect(problemsOf(checkTipText({ title: 't', body }))).toEqual([
        'The body contains ``` (a code fence); put code in the snippet instead.',
      ]);
    }
  });

  it('refuses code fences in the snippet and the title', () => {
    expect(problemsOf(checkTipText({ title: 't', body: 'b', snippet: `${FENCE}python\nx = 1\n${FENCE}` }))).toEqual([
      'The snippet contains ``` (a code fence); the bot adds the fence itself, so remove it.',
    ]);
    expect(problemsOf(checkTipText({ title: `a ${FENCE} b`, body: 'b' }))).toEqual([
      'The title contains ``` (a code fence); titles cannot hold code blocks.',
    ]);
  });

  it('allows inline code with single backticks', () => {
    expect(checkTipText({ title: 'Use `fit`', body: 'Call `model.fit(x, y)`.' }).ok).toBe(true);
  });

  it('refuses @everyone and @here in any field', () => {
    expect(problemsOf(checkTipText({ title: 'Hey @everyone', body: 'b' }))).toEqual([
      'The title contains "@everyone"; mass mentions are not allowed.',
    ]);
    expect(problemsOf(checkTipText({ title: 't', body: 'ping @here now' }))).toEqual([
      'The body contains "@here"; mass mentions are not allowed.',
    ]);
    expect(problemsOf(checkTipText({ title: 't', body: 'b', snippet: '# @Everyone' }))).toEqual([
      'The snippet contains "@Everyone"; mass mentions are not allowed.',
    ]);
  });

  it('does not mistake Python decorators or e-mail-like words for mass mentions', () => {
    expect(checkTipText({ title: 't', body: 'b', snippet: '@tf.function\ndef f(x):\n    return x' }).ok).toBe(true);
    expect(checkTipText({ title: 't', body: 'The @heretic decorator is fictional.' }).ok).toBe(true);
  });

  it('refuses user and role mentions', () => {
    expect(problemsOf(checkTipText({ title: 't', body: 'Ask <@123456789012345678>.' }))).toEqual([
      'The body contains the mention "<@123456789012345678>"; user and role mentions are not allowed.',
    ]);
    expect(problemsOf(checkTipText({ title: 't', body: 'Ask <@!42>.' }))).toEqual([
      'The body contains the mention "<@!42>"; user and role mentions are not allowed.',
    ]);
    expect(problemsOf(checkTipText({ title: 'Ask <@&987>', body: 'b' }))).toEqual([
      'The title contains the mention "<@&987>"; user and role mentions are not allowed.',
    ]);
  });

  it('refuses Discord invite links', () => {
    expect(problemsOf(checkTipText({ title: 't', body: 'Join discord.gg/abc123 for more.' }))).toEqual([
      'The body contains a Discord invite link; invite links are not allowed.',
    ]);
    expect(problemsOf(checkTipText({ title: 't', body: 'https://discord.com/invite/xyz' }))).toHaveLength(1);
  });

  it('refuses invisible and control characters', () => {
    expect(problemsOf(checkTipText({ title: 't', body: 'zero\u200Bwidth' }))).toEqual([
      'The body contains the invisible or control character U+200B; remove it.',
    ]);
    expect(problemsOf(checkTipText({ title: 'bell\u0007', body: 'b' }))).toEqual([
      'The title contains the invisible or control character U+0007; remove it.',
    ]);
  });

  it('allows tabs and newlines in snippets', () => {
    expect(checkTipText({ title: 't', body: 'b', snippet: 'if x:\n\treturn 1' }).ok).toBe(true);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(
      checkTipText({ title: 'x'.repeat(101), body: '@everyone', snippet: 'q'.repeat(TIP_SNIPPET_MAX + 1) }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^The title is 101 characters/);
    expect(problems[1]).toMatch(/^The body contains "@everyone"/);
    expect(problems[2]).toMatch(/^The snippet is 901 characters/);
  });
});
