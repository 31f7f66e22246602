import { describe, expect, it } from 'vitest';
import { mdCellCode, mdCode, mdLines, mdText } from '../../src/diff/markdown-escape.ts';

describe('markdown escaping', () => {
  it('keeps HTML, emphasis, code, links, strike-through and table pipes from rendering', () => {
    expect(mdText('/v3/<br>')).toBe('/v3/&lt;br&gt;');
    expect(mdText('a | b **bold** _it_ ~~gone~~')).toBe('a \\| b \\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~');
    expect(mdText('^/api/`v1`$')).toBe('^/api/\\`v1\\`\\$');
    expect(mdText('![x](http://e) [y]: &amp; \\n')).toBe('\\!\\[x\\](http://e) \\[y\\]: &amp;amp; \\\\n');
    // A trailing `#` run would close a heading and vanish.
    expect(mdText('fix ##')).toBe('fix \\#\\#');
  });

  it('keeps math and mentions from rendering: $ is escaped, @ cannot notify anyone', () => {
    expect(mdText('^$|^/$')).toBe('^\\$\\|^/\\$');
    // GitHub mentions ignore backslashes; a zero-width space after @ breaks the mention.
    expect(mdText('x-owner: @platform/mesh-team')).toBe('x-owner: @\u200bplatform/mesh-team');
    expect(mdText('@')).not.toMatch(/@\w/);
  });

  it('folds newlines, which would end a table row or a heading', () => {
    expect(mdText('a\nb\r\nc')).toBe('a b c');
    expect(mdCode('a\nb')).toBe('`a b`');
  });

  it('joins lines with the only raw <br>', () => {
    expect(mdLines(['rewrite: /v3/<br>', 'timeout: 5s'])).toBe('rewrite: /v3/&lt;br&gt;<br>timeout: 5s');
  });

  it('makes code spans whose fence outlasts any backticks inside', () => {
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('a`b')).toBe('`` a`b ``');
    expect(mdCode('``x`')).toBe('``` ``x` ```');
    expect(mdCode('<br>')).toBe('`<br>`');
  });

  it('escapes pipes in code spans only inside table cells', () => {
    expect(mdCellCode('outbound|80||x')).toBe('`outbound\\|80\\|\\|x`');
    expect(mdCode('a|b')).toBe('`a|b`');
  });
});
