// ML2xxx — Resource schemas.
import type { DiagnosticCodeInfo } from './types.ts';

export const SCHEMA_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'ML2001',
    severity: 'error',
    title: 'Unknown field',
    description:
      'The field does not exist at this place in the resource (Istio kinds and MeshConfig are checked strictly, so a misspelt field is never silently ignored). Check the spelling and the indentation against the Istio reference; fields meshlog does not know yet are listed in docs/config-reference.md.',
  },
  {
    code: 'ML2002',
    severity: 'error',
    title: 'Wrong type',
    description:
      'The field has the wrong type, e.g. a string where a number is expected (`port: "80"`), or a single value where a list is expected. ' +
      'A bare number where a duration belongs (`timeout: 1.5`) needs its unit (`1.5s`), not quotes; one where a percentage belongs (`percentage: 10`) is written `percentage: {value: 10}`, as Istio\'s Percent is a mapping. A field indented one level too deep under a map of labels (`servers:` under `selector:`) reads as a label whose value is a list or mapping: the message names the mapping it belongs to. Write it as the message says.',
  },
  {
    code: 'ML2003',
    severity: 'error',
    title: 'Invalid enum value',
    description:
      'The field only takes one of a fixed set of values (listed in the message, case-sensitive). The message quotes what was written (`got "ROUND_ROBINN"`) and names the closest allowed value when one is close (a typo, or the right value in the wrong case). A value Istio accepts that meshlog does not compile yet (ServiceEntry `resolution: DYNAMIC_DNS`) is ML3024 instead.',
  },
  {
    code: 'ML2004',
    severity: 'error',
    title: 'Missing required field',
    description: 'The field is required here. Add it.',
  },
  {
    code: 'ML2005',
    severity: 'error',
    title: 'Invalid value',
    description: 'The value does not fit the schema for this field (see the message).',
  },
];
