// `meshlog explain`: simulate Envoy's routing of one request against compiled config and
// say which rule (file:line) matched, what happens to the request, and why earlier rules
// did not match. Reads a folder, a file, standard input or a git revision like every other
// command.
import { compileToIr } from '../../compile/index.ts';
import { entrySourceIn } from '../../explain/entry-source.ts';
import { explain, parseRequest, renderExplanationText } from '../../explain/index.ts';
import { OUTPUT_FLAG, VERBOSE_FLAG, parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { INPUT_FLAGS, INPUT_HELP, describeInput, displayPrefix, inputSpec, readInput, reportInputError, type InputSpec } from '../input.ts';
import { chooseFormat, renderDiagnostics, renderJson, renderYaml } from '../output.ts';

const FLAGS = {
  ...OUTPUT_FLAG,
  ...INPUT_FLAGS,
  ...VERBOSE_FLAG,
  request: { type: 'string', short: 'r' },
  view: { type: 'string' },
  gateway: { type: 'string' },
} as const;

export const command: CliCommand = {
  name: 'explain',
  summary: 'Show how Envoy would route one request: the matching rule (file:line) and its action',
  help: `Simulate how Envoy routes one request with the compiled config: the view, the listener
(by port; on a gateway HTTPS port, the server whose certificate the request's host picks by
SNI, or a closed connection when none does or the scheme is wrong; https:// to a plain HTTP
port, on a gateway or a sidecar, is a closed connection too: the TLS handshake fails), the virtual host
(Envoy's domain rules: exact, *.suffix, prefix.*, *; the Host's port, whatever follows its
last colon, plays no part), then the first route whose match holds (path exact/prefix/regex,
headers, query parameters).
Routes match the request as Envoy's connection manager changed it first, and the output
lists each change ("Pre-routing"; json "beforeRouting"): x-forwarded-proto set from the
connection when absent (a gateway replaces a client's) and :scheme taken from it, on a
gateway the client's address appended to x-forwarded-for, x-request-id generated (a gateway
replaces a client's), x-envoy control headers dropped. A value condition on what only the
running Envoy knows (the client's address, a generated id) is taken as false ("Assumed").
The path is normalized as Envoy does (also listed there); a path Envoy refuses is a 400
(json outcome "bad_request").
Prints the matched rule with its file:line, the clusters with their traffic shares, a
redirect's Location or a direct response, the request and response header changes (values
as Envoy sends them: "50%%" is 50%, a %COMMAND% is filled in per request), any fault that
may apply, and every earlier rule with the reason it did not match. No match:
404 with response flag NR, as Envoy. Rules are named by field path, counted from zero as
in the diagnostics (spec.http[1].match[0]), then by Envoy route name, which carries the
rule's name. Read from git, the output starts with "Config: <repo>@<commit>"; -o json
and yaml start with "config": {source, rev, commit}, the folder, file or repository read
(<stdin> for standard input), the revision as given and its full commit id (null for the
others). In -o json, a route's
"position" is its 1-based place among the virtual host's routes (formerly "index").

On a port a TCP proxy serves (a sidecar port that is not HTTP, a gateway TCP server, or a
TLS service an https:// request's host picks by SNI on a shared HTTP port), no route
applies: the method, path and headers play no part. It shows the filter chain that takes
the connection (by SNI for https://, else the chain without names), its tcp rule, and the
clusters with their shares (json outcome "tcp_proxy"), or that the connection is closed.

Usage:
  meshlog explain --request "METHOD URL [-H name:value]..." [PATH | -] [flags]
  meshlog explain --request "..." --repo PATH --rev REV [flags]

${INPUT_HELP}

Flags:
  -r, --request TEXT   The request: method, http(s) URL (port 80/443 when omitted), and any
                       number of -H name:value headers; quote values with spaces
                       ("-H 'x-note: a b'"); -H host:NAME sets the Host header. The path
                       is sent as typed (spaces and non-ASCII characters percent-encoded)
      --view NAME      The view to simulate, e.g. sidecar~bookinfo or
                       gateway~bookinfo~bookinfo-gateway (default: the sidecar view of
                       MeshConfig's defaultNamespace, else the default sidecar view)
      --gateway NS/NAME  Shorthand for the view of a Gateway resource
  -o, --output FORMAT  table (default), json or yaml
  -v, --verbose        With invalid config, also print info notes (e.g. skipped kinds)

Exit codes: 0 explained (also when the answer is a 404); 1 invalid config;
            2 bad command line, bad request text or unknown view; 3 input unavailable.

Examples:
  meshlog explain --request "GET http://reviews:9080/reviews/1 -H end-user:jason" config/
  meshlog explain -r "GET http://bookinfo.example.com/productpage" --gateway bookinfo/bookinfo-gateway
  meshlog explain -r "GET http://ratings:9080/" --repo . --rev main -o json
  kustomize build overlays/prod | meshlog explain -r "GET http://reviews:9080/" -`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 1);
    if (!parsed.ok) return usageError(io, 'explain', parsed.message);
    const { args } = parsed;
    const format = chooseFormat(args.string('output'), ['table', 'json', 'yaml'], 'table');
    if (!format.ok) return usageError(io, 'explain', format.message);
    const text = args.string('request');
    if (text === undefined) return usageError(io, 'explain', 'missing --request "METHOD URL [-H name:value]..."');
    const request = parseRequest(text);
    if (!request.ok) return usageError(io, 'explain', `bad --request: ${request.error}`);
    const view = args.string('view');
    const gateway = args.string('gateway');
    if (view !== undefined && gateway !== undefined) return usageError(io, 'explain', 'give either --view or --gateway, not both');
    if (gateway !== undefined && !/^[^/]+\/[^/]+$/.test(gateway)) return usageError(io, 'explain', '--gateway must be NAMESPACE/NAME');
    const spec = inputSpec(args, io.cwd);
    if (!spec.ok) return usageError(io, 'explain', spec.message);

    const input = await readInput(spec.spec, io);
    if (!input.ok) {
      reportInputError(io, input.error);
      return input.exit;
    }
    const result = compileToIr(input.bundle);
    if (!result.valid || !result.ir) {
      io.stderr(`${describeInput(spec.spec, input.bundle.commit)} is invalid:\n`);
      io.stderr(renderDiagnostics(result.diagnostics, { verbose: args.bool('verbose'), pathPrefix: displayPrefix(spec.spec) }));
      return EXIT.invalid;
    }
    const chosen = view ?? gateway;
    const entrySource = entrySourceIn(input.bundle.files);
    const explanation = explain(result.ir, request.request, chosen === undefined ? { entrySource } : { view: chosen, entrySource });
    if (explanation.outcome.kind === 'unknown_view') {
      return usageError(io, 'explain', `${explanation.outcome.detail} (views: ${explanation.outcome.available.join(', ') || 'none'})`);
    }
    const config = explainedConfig(spec.spec, input.bundle.commit);
    if (format.format === 'json') io.stdout(renderJson({ config, ...explanation }));
    else if (format.format === 'yaml') io.stdout(renderYaml({ config, ...explanation }));
    // Which config was explained: a revision is named (a folder is the argument itself).
    else io.stdout(`${spec.spec.kind === 'git' ? `Config:       ${describeInput(spec.spec, input.bundle.commit)}\n` : ''}${renderExplanationText(explanation)}`);
    return EXIT.ok;
  },
};

/**
 * Which config json/yaml explained (the text output's `Config:` line), so an answer kept by a
 * tool says which commit it holds for: the folder, file or repository as given (`<stdin>` for
 * standard input), the revision as given and its full commit id; the others have neither.
 */
function explainedConfig(spec: InputSpec, commit: string | null): { source: string; rev: string | null; commit: string | null } {
  if (spec.kind === 'git') return { source: spec.repo, rev: spec.rev, commit };
  return { source: spec.kind === 'worktree' ? spec.repo : describeInput(spec), rev: null, commit: null };
}
