import { describe, expect, it } from 'vitest';
import { asText } from '../../src/bot/ui/member-text.ts';

describe('member and file text in messages', () => {
  it('shows a layer name with a masked link and a mass mention as text, not a link', () => {
    const shown = asText('[Claim your free Nitro](https://evil.example/steal) @everyone');
    expect(shown).toBe('\\[Claim your free Nitro\\](https\\://evil.example/steal) @everyone');
    // No unescaped "](": the masked link syntax is broken.
    expect(shown).not.toMatch(/[^\\]\]\(/);
    expect(shown).not.toContain('https://');
  });

  it('escapes formatting, headings, lists, quotes and mention pills', () => {
    expect(asText('**bold** _it_ `code` ~~gone~~ ||spoiler||')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\|');
    expect(asText('# Title\n- item\n1. first\n> quote <@123>')).toBe('\\# Title\n\\- item\n1\\. first\n\\> quote \\<@123>');
  });

  it('caps the length without leaving a backslash that escapes the ellipsis', () => {
    const shown = asText(`${'a'.repeat(9)}*tail`, 11);
    expect(shown).toBe('aaaaaaaaa…');
    expect(asText('short', 11)).toBe('short');
  });
});
