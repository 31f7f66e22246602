// One compiled view in a real Envoy: YAML in, the compile result and a running Envoy out, its
// listeners on loopback ports the OS picks (`envoy.listenerPort(name)`). What the live tests that
// start one view share; each asserts the diagnostics it expects.
import type { CompileResult } from '../../src/compile/index.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from './envoy-process.ts';
import { compileYaml } from './compile-yaml.ts';

export async function runView(yaml: string, view: string, listeners: readonly string[], origin = 'mesh'): Promise<{ envoy: EnvoyProcess; result: CompileResult }> {
  const result = compileYaml(yaml, origin);
  if (!result.snapshot) throw new Error(`the config does not compile: ${JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error'))}`);
  const bootstrap = staticBootstrap(result.snapshot, view, { adminPort: 0, listenerAddress: '127.0.0.1', listenerPorts: Object.fromEntries(listeners.map((l) => [l, 0])) });
  return { envoy: await startEnvoy(writeConfigFile(bootstrap)), result };
}
