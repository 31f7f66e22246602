// The annotations meshlog reads under its own `meshlog.dev/` prefix, and the kind each is read
// on. Anything else under the prefix is a typo or a misplaced annotation, which is silently
// ignored by everything else (Kubernetes allows any annotation): validate/annotations.ts warns.

export const MESHLOG_ANNOTATION_PREFIX = 'meshlog.dev/';
export const ENDPOINTS_ANNOTATION = 'meshlog.dev/endpoints';

/** Annotation → the kind meshlog reads it on. */
export const MESHLOG_ANNOTATIONS: Readonly<Record<string, string>> = {
  [ENDPOINTS_ANNOTATION]: 'Service',
};
