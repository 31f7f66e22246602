// A diff comment cut to fit ends with the command that prints it whole; pasted into a shell, it
// must name the same folders: a leading ~ would be expanded and a leading - read as a flag.
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/cli/shell-word.ts';

describe('the whole-diff command quotes its paths for the shell', () => {
  it('leaves plain paths and revisions as they are', () => {
    expect(shellWord('config-after/')).toBe('config-after/');
    expect(shellWord('HEAD~1')).toBe('HEAD~1');
    expect(shellWord('1a2b3c4d5e6f')).toBe('1a2b3c4d5e6f');
  });

  it('quotes a leading ~ and anything a shell would read otherwise', () => {
    expect(shellWord('~backup')).toBe("'~backup'");
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`);
  });

  it('writes a path starting with - as ./-path, which no command reads as a flag', () => {
    expect(shellWord('-o')).toBe('./-o');
    expect(shellWord('-new config')).toBe("'./-new config'");
  });
});
