import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { renderInvalidMarkdown } from '../../src/diff/index.ts';

const error = (i: number, message = `bad thing ${i}`): Diagnostic => ({ code: 'ML1001', severity: 'error', message, file: 'routing/vs.yaml', line: i, column: 3 });

describe('markdown for an invalid side', () => {
  it('lists the errors with file:line:col and code, and says why there is no diff', () => {
    const md = renderInvalidMarkdown([{ label: 'feat (1a2b3c4d5e6f)', diagnostics: [error(7), { ...error(9), severity: 'warning' }], pathPrefix: 'cfg/' }], { title: 'Routing' });
    expect(md).toBe(
      [
        '### Routing',
        '',
        '**feat (1a2b3c4d5e6f) is invalid: 1 error**',
        '',
        '- `cfg/routing/vs.yaml:7:3` **ML1001**: bad thing 7',
        '',
        'No routing diff until both sides compile. `meshlog validate` lists every problem.',
        '',
      ].join('\n'),
    );
  });

  it('caps the list and escapes messages, which quote config values', () => {
    const diagnostics = [error(1, 'regex `a|b` has <br> and **x**'), ...Array.from({ length: 24 }, (_, i) => error(i + 2))];
    const md = renderInvalidMarkdown([{ label: 'HEAD (abc)', diagnostics }]);
    expect(md).toContain('**HEAD (abc) is invalid: 25 errors**');
    expect(md.match(/^- `routing/gm) ?? []).toHaveLength(20);
    expect(md).toContain('- … and 5 more');
    expect(md).toContain('regex \\`a\\|b\\` has &lt;br&gt; and \\*\\*x\\*\\*');
  });
});
