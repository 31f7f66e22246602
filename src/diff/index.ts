// Public surface of the semantic diff.
export { diffIr } from './diff-ir.ts';
export { renderDiffMarkdown, type MarkdownOptions } from './render-markdown.ts';
export { renderInvalidMarkdown, type InvalidSide } from './render-invalid-markdown.ts';
export { renderDiffText, renderNewWarningsText } from './render-text.ts';
export { newWarnings } from './new-warnings.ts';
export { summaryLine } from './summary-line.ts';
export { unappliedNote } from './unapplied.ts';
export type * from './types.ts';
