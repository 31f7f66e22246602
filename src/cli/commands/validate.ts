// `meshlog validate`: read a folder, file, standard input or git revision, run the whole
// compiler, print what it found. Exit 1 on any error, so CI can gate merges on it.
import { OUTPUT_FLAG, VERBOSE_FLAG, parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { INPUT_FLAGS, INPUT_HELP, describeInput, displayPrefix, inputSpec } from '../input.ts';
import { chooseFormat, diagnosticJson, renderDiagnostics, renderJson } from '../output.ts';
import { ENVOY_FLAG, envoyHelp } from '../../verify/envoy-option.ts';
import { readAndProve } from '../compile-and-prove.ts';
import type { SourceBundle } from '../../ingest/source-bundle.ts';

const FLAGS = { ...OUTPUT_FLAG, ...INPUT_FLAGS, ...ENVOY_FLAG, ...VERBOSE_FLAG } as const;

export const command: CliCommand = {
  name: 'validate',
  summary: 'Check mesh config (a folder, a file, standard input or a git revision) and print its diagnostics',
  help: `Check mesh config: parse every *.yaml/*.yml/*.json, validate each resource and the references
between them, and compile it, exactly as a publish would. Prints every problem found.

Usage:
  meshlog validate [PATH] [flags]
  meshlog validate - [flags]
  meshlog validate --repo PATH --rev REV [flags]

${INPUT_HELP}

Flags:
  -o, --output FORMAT  table (default) or json
  -v, --verbose        Also print info notes (e.g. skipped Kubernetes kinds)
${envoyHelp(23)}

Output:
  table: one line per problem, "file:line:col: severity CODE: message [field]", then a
         summary such as "2 errors, 1 warning".
  json:  {"valid": bool, "diagnostics": [{code, severity, message, file, line, column,
         field, resource: {kind, namespace, name}, related}]} (null when not applicable;
         related only when there are other places).

Exit codes: 0 valid (warnings allowed), 1 errors found, 2 bad command line,
            3 file, folder, repository, revision or standard input unavailable, or
            the --envoy binary is not an executable Envoy (its --version must name Envoy).

Examples:
  meshlog validate config/
  meshlog validate config/routing/reviews.yaml
  kustomize build overlays/prod | meshlog validate -
  meshlog validate --repo . --rev origin/main -o json`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 1);
    if (!parsed.ok) return usageError(io, 'validate', parsed.message);
    const { args } = parsed;
    const format = chooseFormat(args.string('output'), ['table', 'json'], 'table');
    if (!format.ok) return usageError(io, 'validate', format.message);
    const spec = inputSpec(args, io.cwd);
    if (!spec.ok) return usageError(io, 'validate', spec.message);
    const proven = await readAndProve(args, spec.spec, io);
    if (!proven.ok) return proven.exit;
    const { diagnostics, valid, bundle, provenViews } = proven;

    if (format.format === 'json') {
      io.stdout(renderJson({ valid, diagnostics: diagnostics.map(diagnosticJson) }));
    } else {
      const label = describeInput(spec.spec, bundle.commit);
      io.stdout(renderDiagnostics(diagnostics, { verbose: args.bool('verbose'), pathPrefix: displayPrefix(spec.spec) }));
      // Say when a real Envoy checked it too: "valid" alone does not tell whether --envoy ran.
      const proof = valid && provenViews !== undefined ? `; Envoy accepted all ${provenViews} view${provenViews === 1 ? '' : 's'}` : '';
      io.stdout(`${label}: ${valid ? 'valid' : 'INVALID'} (${filesCount(bundle)}${proof})\n`);
    }
    return valid ? EXIT.ok : EXIT.invalid;
  },
};

/**
 * The files the verdict is about: those read (and so parsed and checked), and those found but
 * not read (too large, unreadable, links named like config), which errors above name.
 */
function filesCount(bundle: SourceBundle): string {
  const read = `${bundle.files.length} config file${bundle.files.length === 1 ? '' : 's'} read`;
  return bundle.unread ? `${read}, ${bundle.unread} not read` : read;
}
