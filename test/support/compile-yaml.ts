// One YAML text compiled as the config folder `origin` holding it as `mesh.yaml`: what tests
// that state their mesh inline hand to compile().
import { compile, type CompileResult } from '../../src/compile/index.ts';

export function compileYaml(yaml: string, origin = '/repo'): CompileResult {
  return compile({ origin: { kind: 'folder', path: origin }, commit: null, files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(yaml) }], diagnostics: [] });
}
