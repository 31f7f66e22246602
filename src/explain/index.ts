// Public surface of the routing simulator.
export { explain } from './explain.ts';
export { parseRequest, type ParseResult } from './parse-request.ts';
export { renderExplanationText } from './render.ts';
export type * from './types.ts';
