// The values of headers a route adds (VirtualService `headers.*.set/add`) are not sent as
// written: Envoy reads them as format strings, where `%` starts a command (`%HOSTNAME%`,
// `%REQ(x-user)%`, `%START_TIME(%s)%`, `%REQ(x-user):10%`) and `%%` stands for one `%`. It
// parses every value when it loads a route table, and one it cannot parse (`50%`, `%FOO%`)
// makes it reject the whole table: the view is NACKed. istiod refuses at admission the values
// its own check (validation.go ValidateHTTPHeaderValue) cannot parse. Both are checked here.
//
// Envoy's grammar (1.40, the substitution formatter): outside a command every character is
// itself, `%%` is a `%`, and any other `%` must start `%NAME(ARGS):LENGTH%` where NAME is
// upper-case letters, digits and `_`; `(ARGS)` and `:LENGTH` are optional, ARGS end at the
// first `)` that the rest of the command can follow. NAME must be a command Envoy knows, and
// each command says whether it takes ARGS and LENGTH, and checks some ARGS (COMMANDS below,
// each entry tested against the real Envoy in test/compile/validate/header-value-envoy.test.ts).
//
// Istio's check is an older reading of the same syntax, stricter in places: after `(ARGS)`
// only spaces may come before the closing `%` (so it refuses `%REQ(x):10%`), and ARGS are a
// bare word (up to `)` or `"`) or a JSON list of strings (`["ns","key"]`).
import { isHeaderNameOrPseudo } from '../../core/http-token.ts';

export interface HeaderValueProblem {
  /** error: Envoy or Istio refuses the value; warning: meshlog cannot check a command's arguments. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** The first problem of a header value a route adds, if any (control characters aside: checks-http.ts). */
export function headerValueProblem(value: string): HeaderValueProblem | undefined {
  if (!value.includes('%')) return undefined; // the common case: plain text
  const envoy = envoyProblem(value);
  if (envoy?.severity === 'error') return envoy;
  const istio = istioProblem(value);
  if (istio) return { severity: 'error', message: `Istio refuses it: ${istio}` };
  return envoy;
}

// ---- Envoy ------------------------------------------------------------------------------

/**
 * `%NAME(ARGS):LENGTH%` at a position (sticky). `[^\n]` as RE2's `.`; the lazy ARGS make the
 * command end at the first `)` followed by `%` or `:<digits>%`, as Envoy's RE2 match does.
 */
const COMMAND = /%([A-Z0-9_]+)(?:\(([^\n]*?)\))?(?::([0-9]+))?%/y;
/** Envoy reads LENGTH into a 64-bit size: a larger number makes the command unparseable. */
const MAX_LENGTH = 18446744073709551615n;

/** Envoy's verdict: an error for a value it rejects, a warning for arguments meshlog cannot judge. */
export function envoyProblem(value: string): HeaderValueProblem | undefined {
  let warning: HeaderValueProblem | undefined;
  for (let pos = value.indexOf('%'); pos >= 0; pos = value.indexOf('%', pos)) {
    if (value[pos + 1] === '%') {
      pos += 2; // `%%`: a literal `%`
      continue;
    }
    COMMAND.lastIndex = pos;
    const m = COMMAND.exec(value);
    if (!m || (m[3] !== undefined && BigInt(m[3]) > MAX_LENGTH)) return error(unparsed(value, pos));
    const problem = commandProblem(m[1]!, m[2] ?? '', m[3] !== undefined);
    if (problem?.severity === 'error') return problem;
    warning ??= problem;
    pos = COMMAND.lastIndex;
  }
  return warning;
}

/**
 * A value as Envoy sends it, as far as it is known before a request: `%%` is one `%`, and each
 * command (`%REQ(x-user)%`) stays as written, listed in `commands`, for Envoy to fill in per
 * request. A `%` that starts no command (a value Envoy rejects) is kept as it is.
 */
export function formatParts(value: string): { readonly text: string; readonly commands: readonly string[] } {
  let text = '';
  const commands: string[] = [];
  let pos = 0;
  for (let at = value.indexOf('%'); at >= 0; at = value.indexOf('%', pos)) {
    text += value.slice(pos, at);
    COMMAND.lastIndex = at;
    const m = value[at + 1] === '%' ? undefined : COMMAND.exec(value);
    const piece = m ? m[0] : value[at + 1] === '%' ? '%%' : '%';
    text += m ? piece : '%';
    if (m) commands.push(piece);
    pos = at + piece.length;
  }
  return { text: text + value.slice(pos), commands };
}

function unparsed(value: string, pos: number): string {
  const where = pos === value.length - 1 ? 'the "%" at the end' : `the "%" at position ${pos}`;
  return `${where} starts no command, so Envoy rejects the route table: write "%%" for a literal "%" (e.g. "50%%"), or a command such as %HOSTNAME% or %REQ(x-name)%`;
}

const error = (message: string): HeaderValueProblem => ({ severity: 'error', message });

/** What a command accepts. `check` judges non-empty ARGS (an error message, or undefined). */
interface CommandRule {
  readonly args: 'none' | 'optional' | 'required';
  readonly length: boolean;
  readonly check?: (args: string) => string | undefined;
  /** ARGS in a language of their own (CEL, JSON, ...) that meshlog does not parse. */
  readonly unchecked?: boolean;
}

function commandProblem(name: string, args: string, hasLength: boolean): HeaderValueProblem | undefined {
  const rule = COMMANDS.get(name);
  if (!rule) return error(`%${name}% is not a command Envoy knows (it would reject the route table); see Envoy's access-log command operators, or write "%%" for a literal "%"`);
  // Envoy reads `%NAME()%` as `%NAME%`.
  if (rule.args === 'none' && (args !== '' || hasLength)) return error(`%${name}% takes no arguments or length; Envoy rejects the route table for it`);
  if (rule.args === 'required' && args === '') return error(`%${name}(...)% needs arguments; Envoy rejects the route table without them`);
  if (hasLength && !rule.length) return error(`%${name}(...)% takes no ":length"; Envoy rejects the route table for it`);
  const bad = args === '' ? undefined : rule.check?.(args);
  if (bad) return error(`%${name}(${args})%: ${bad}; Envoy rejects the route table for it`);
  if (rule.unchecked) {
    return { severity: 'warning', message: `meshlog does not check the arguments of %${name}(...)%; if Envoy cannot parse them it rejects the whole route table (check with meshlog validate --envoy)` };
  }
  return undefined;
}

/** `NAME` or `NAME?ALTERNATIVE` (either may be empty). */
function headerNames(args: string): string | undefined {
  const names = args.split('?');
  if (names.length > 2) return 'name one header and at most one alternative (one "?")';
  const bad = names.find((n) => n !== '' && !isHeaderNameOrPseudo(n));
  return bad === undefined ? undefined : `"${bad}" is not a header name`;
}

const SERIALIZATIONS = ['', 'PLAIN', 'TYPED', 'FIELD'];

/** `KEY`, `KEY:PLAIN`, `KEY:TYPED` or `KEY:FIELD:NAME` (further `:` parts are ignored). */
function filterState(args: string): string | undefined {
  const [key, how = '', field = ''] = args.split(':');
  if (key === '') return 'the filter state key is empty';
  if (!SERIALIZATIONS.includes(how)) return `"${how}" is not PLAIN, TYPED or FIELD`;
  if ((how === 'FIELD') !== (field !== '')) return 'a field name goes with FIELD, and FIELD needs one';
  return undefined;
}

/** Envoy rewrites the legacy `%PER_REQUEST_STATE(KEY)%` to `%FILTER_STATE(KEY:PLAIN)%`. */
function perRequestState(args: string): string | undefined {
  return filterState(`${args}:PLAIN`);
}

/** Options separated by `:`: each position has its own choices ('' is the default); later parts are ignored. */
function options(...choices: readonly (readonly string[])[]): (args: string) => string | undefined {
  return (args) => {
    const parts = args.split(':');
    for (let i = 0; i < choices.length; i++) {
      const part = parts[i] ?? '';
      if (part !== '' && !choices[i]!.includes(part)) return `"${part}" is not one of ${choices[i]!.join(', ')}`;
    }
    return undefined;
  };
}

/** The whole argument is one of `choices`. */
function oneOf(choices: readonly string[]): (args: string) => string | undefined {
  return (args) => (choices.includes(args) ? undefined : `the option is one of ${choices.join(', ')}`);
}

/** strftime's `%n` (in any of its forms) is a newline, which a header cannot hold. */
const TIME_NEWLINE = /%[-_0^#]*[1-9]*[EO]?n/;

function timeFormat(args: string): string | undefined {
  return TIME_NEWLINE.test(args) ? 'the time format writes a newline (%n)' : undefined;
}

const NONE: CommandRule = { args: 'none', length: false };
const ANY_ARGS: CommandRule = { args: 'optional', length: false };
const TIME: CommandRule = { args: 'optional', length: false, check: timeFormat };
const HEADER: CommandRule = { args: 'required', length: true, check: headerNames };
const REQUIRED: CommandRule = { args: 'required', length: true };
const FILTER_STATE: CommandRule = { args: 'required', length: true, check: filterState };

/** Commands without arguments (Envoy 1.40's built-in formatters). */
const PLAIN_COMMANDS = [
  'ACCESS_LOG_TYPE', 'BYTES_RECEIVED', 'BYTES_RETRANSMITTED', 'BYTES_SENT', 'CONNECTION_ID', 'CONNECTION_TERMINATION_DETAILS',
  'CUSTOM_FLAGS', 'DOWNSTREAM_CX_RTT', 'DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED', 'DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_SENT',
  'DOWNSTREAM_DETECTED_CLOSE_TYPE', 'DOWNSTREAM_DIRECT_LOCAL_ADDRESS', 'DOWNSTREAM_DIRECT_LOCAL_ADDRESS_ENDPOINT_ID',
  'DOWNSTREAM_DIRECT_LOCAL_PORT', 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS', 'DOWNSTREAM_DIRECT_REMOTE_PORT', 'DOWNSTREAM_HANDSHAKE_DURATION',
  'DOWNSTREAM_HEADER_BYTES_RECEIVED', 'DOWNSTREAM_HEADER_BYTES_SENT', 'DOWNSTREAM_LOCAL_ADDRESS', 'DOWNSTREAM_LOCAL_ADDRESS_ENDPOINT_ID',
  'DOWNSTREAM_LOCAL_CLOSE_REASON', 'DOWNSTREAM_LOCAL_DNS_SAN', 'DOWNSTREAM_LOCAL_EMAIL_SAN', 'DOWNSTREAM_LOCAL_IP_SAN',
  'DOWNSTREAM_LOCAL_OTHERNAME_SAN', 'DOWNSTREAM_LOCAL_PORT', 'DOWNSTREAM_LOCAL_SUBJECT', 'DOWNSTREAM_LOCAL_URI_SAN', 'DOWNSTREAM_PEER_CERT',
  'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1', 'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256', 'DOWNSTREAM_PEER_CHAIN_SERIALS', 'DOWNSTREAM_PEER_DNS_SAN',
  'DOWNSTREAM_PEER_EMAIL_SAN', 'DOWNSTREAM_PEER_FINGERPRINT_1', 'DOWNSTREAM_PEER_FINGERPRINT_256', 'DOWNSTREAM_PEER_IP_SAN',
  'DOWNSTREAM_PEER_ISSUER', 'DOWNSTREAM_PEER_ISSUER_FINGERPRINT_256', 'DOWNSTREAM_PEER_ISSUER_SERIAL', 'DOWNSTREAM_PEER_OTHERNAME_SAN',
  'DOWNSTREAM_PEER_SERIAL', 'DOWNSTREAM_PEER_SUBJECT', 'DOWNSTREAM_PEER_URI_SAN', 'DOWNSTREAM_REMOTE_ADDRESS', 'DOWNSTREAM_REMOTE_PORT',
  'DOWNSTREAM_TLS_CIPHER', 'DOWNSTREAM_TLS_GROUP', 'DOWNSTREAM_TLS_SESSION_ID', 'DOWNSTREAM_TLS_VERSION', 'DOWNSTREAM_TRANSPORT_FAILURE_REASON',
  'DOWNSTREAM_WIRE_BYTES_RECEIVED', 'DOWNSTREAM_WIRE_BYTES_SENT', 'DURATION', 'FILTER_CHAIN_NAME', 'GRPC_STATUS_NUMBER', 'HOSTNAME',
  'LISTENER_NAME', 'LOCAL_REPLY_BODY', 'PACKETS_RETRANSMITTED', 'PROTOCOL', 'REQUEST_DURATION', 'REQUEST_HEADERS_BYTES', 'REQUEST_TX_DURATION',
  'RESPONSE_CODE', 'RESPONSE_DURATION', 'RESPONSE_FLAGS', 'RESPONSE_FLAGS_LONG', 'RESPONSE_HEADERS_BYTES', 'RESPONSE_TRAILERS_BYTES',
  'RESPONSE_TX_DURATION', 'ROUNDTRIP_DURATION', 'ROUTE_NAME', 'ROUTE_RESOLUTION_COUNT', 'ROUTE_RESOLUTION_TIME_US', 'SPAN_ID', 'STREAM_ID',
  'TLS_JA3_FINGERPRINT', 'TLS_JA4_FINGERPRINT', 'TRACE_ID', 'UNIQUE_ID', 'UPSTREAM_CLUSTER', 'UPSTREAM_CLUSTER_RAW', 'UPSTREAM_CONNECTION_ID',
  'UPSTREAM_CONNECTION_IDS_ATTEMPTED', 'UPSTREAM_CONNECTION_POOL_READY_DURATION', 'UPSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED',
  'UPSTREAM_DECOMPRESSED_HEADER_BYTES_SENT', 'UPSTREAM_DETECTED_CLOSE_TYPE', 'UPSTREAM_HEADER_BYTES_RECEIVED', 'UPSTREAM_HEADER_BYTES_SENT',
  'UPSTREAM_HOST', 'UPSTREAM_HOSTS_ATTEMPTED', 'UPSTREAM_HOSTS_ATTEMPTED_WITHOUT_PORT', 'UPSTREAM_HOST_NAME', 'UPSTREAM_HOST_NAMES_ATTEMPTED',
  'UPSTREAM_HOST_NAMES_ATTEMPTED_WITHOUT_PORT', 'UPSTREAM_HOST_NAME_WITHOUT_PORT', 'UPSTREAM_LOCAL_ADDRESS', 'UPSTREAM_LOCAL_CLOSE_REASON',
  'UPSTREAM_LOCAL_DNS_SAN', 'UPSTREAM_LOCAL_IP_SAN', 'UPSTREAM_LOCAL_PORT', 'UPSTREAM_LOCAL_URI_SAN', 'UPSTREAM_PEER_CERT',
  'UPSTREAM_PEER_DNS_SAN', 'UPSTREAM_PEER_IP_SAN', 'UPSTREAM_PEER_ISSUER', 'UPSTREAM_PEER_SUBJECT', 'UPSTREAM_PEER_URI_SAN',
  'UPSTREAM_PROTOCOL', 'UPSTREAM_REMOTE_ADDRESS', 'UPSTREAM_REMOTE_ADDRESS_ENDPOINT_ID', 'UPSTREAM_REMOTE_PORT',
  'UPSTREAM_REQUEST_ATTEMPT_COUNT', 'UPSTREAM_SERVER_NAME', 'UPSTREAM_TLS_CIPHER', 'UPSTREAM_TLS_GROUP', 'UPSTREAM_TLS_SESSION_ID',
  'UPSTREAM_TLS_VERSION', 'UPSTREAM_TRANSPORT_FAILURE_REASON', 'UPSTREAM_WIRE_BYTES_RECEIVED', 'UPSTREAM_WIRE_BYTES_SENT', 'VIRTUAL_CLUSTER_NAME',
];

/** Commands that may take arguments Envoy does not check (an address mask, a detail option). */
const FREE_ARGUMENT_COMMANDS = [
  'DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT',
  'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT', 'RESPONSE_CODE_DETAILS', 'UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT', 'UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT',
];

/** Commands whose optional argument is a strftime format. */
const TIME_COMMANDS = [
  'START_TIME', 'START_TIME_LOCAL', 'EMIT_TIME', 'EMIT_TIME_LOCAL',
  'DOWNSTREAM_PEER_CERT_V_START', 'DOWNSTREAM_PEER_CERT_V_END', 'UPSTREAM_PEER_CERT_V_START', 'UPSTREAM_PEER_CERT_V_END',
];

/** Every command Envoy 1.40 accepts in a header value, with what it takes. */
export const COMMANDS: ReadonlyMap<string, CommandRule> = new Map<string, CommandRule>([
  ...PLAIN_COMMANDS.map((n): [string, CommandRule] => [n, NONE]),
  ...FREE_ARGUMENT_COMMANDS.map((n): [string, CommandRule] => [n, ANY_ARGS]),
  ...TIME_COMMANDS.map((n): [string, CommandRule] => [n, TIME]),
  ...['REQ', 'RESP', 'TRAILER', 'REQUEST_HEADER', 'RESPONSE_HEADER', 'RESPONSE_TRAILER', 'STREAM_INFO_REQ'].map((n): [string, CommandRule] => [n, HEADER]),
  ['ENVIRONMENT', REQUIRED],
  ['QUERY_PARAM', REQUIRED],
  ['DYNAMIC_METADATA', REQUIRED],
  ['CLUSTER_METADATA', { args: 'required', length: false }],
  ['UPSTREAM_METADATA', { args: 'required', length: false }],
  ['FILTER_STATE', FILTER_STATE],
  ['UPSTREAM_FILTER_STATE', FILTER_STATE],
  ['PER_REQUEST_STATE', { args: 'required', length: false, check: perRequestState }],
  ['PATH', { args: 'optional', length: true, check: options(['WQ', 'NQ'], ['ORIG', 'PATH', 'ORIG_OR_PATH']) }],
  ['QUERY_PARAMS', { args: 'optional', length: true, check: oneOf(['ORIG', 'DECODED']) }],
  ['REQUESTED_SERVER_NAME', { args: 'optional', length: false, check: options(['SNI_ONLY', 'SNI_FIRST', 'HOST_FIRST'], ['ORIG_OR_HOST', 'HOST', 'ORIG']) }],
  ['GRPC_STATUS', { args: 'optional', length: false, check: oneOf(['CAMEL_STRING', 'SNAKE_STRING', 'NUMBER']) }],
  ['CEL', { args: 'required', length: true, unchecked: true }],
  ['METADATA', { args: 'required', length: true, unchecked: true }],
  ['COALESCE', { args: 'required', length: true, unchecked: true }],
  ['COMMON_DURATION', { args: 'required', length: false, unchecked: true }],
]);

// ---- Istio ------------------------------------------------------------------------------

/** Where Istio's reading of a value is: in text, or somewhere inside a `%...%` command. */
type IstioState = 'text' | 'name' | 'argsStart' | 'listItem' | 'word' | 'afterItem' | 'argsEnd' | 'commandEnd';

/** Istio's verdict (its admission check): a message, or undefined when it accepts the value. */
export function istioProblem(value: string): string | undefined {
  let state: IstioState = 'text';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (state === 'text') {
      if (ch !== '%') continue;
      if (i + 1 === value.length) return 'a "%" ends the value; write "%%" for a literal "%"';
      if (value[i + 1] === '%') i++; // `%%`
      else state = 'name';
    } else if (state === 'word' && ch === '\\') {
      if (i + 1 === value.length) return 'a "\\" ends the value inside a command argument';
      i++; // a backslash keeps the next character in the argument
    } else {
      const next = istioStep(state, ch);
      if (typeof next === 'object') return next.error;
      state = next;
    }
  }
  return state === 'text' ? undefined : 'a "%" command is not closed; write "%%" for a literal "%"';
}

/** One character inside a command (backslashes in arguments aside). */
function istioStep(state: Exclude<IstioState, 'text'>, ch: string): IstioState | { error: string } {
  const space = ch === ' ';
  switch (state) {
    case 'name': // anything up to the closing `%` or the `(` of arguments
      return ch === '%' ? 'text' : ch === '(' ? 'argsStart' : 'name';
    case 'argsStart': // a JSON list, or a bare word that starts with this character
      return ch === '[' ? 'listItem' : space ? 'argsStart' : 'word';
    case 'listItem':
      return ch === '"' ? 'word' : space ? 'listItem' : { error: `expected '"' to start a string in a command's argument list, found "${ch}"` };
    case 'word': // up to `)` (the arguments end) or `"` (a list item ends)
      return ch === ')' ? 'commandEnd' : ch === '"' ? 'afterItem' : 'word';
    case 'afterItem':
      return ch === ',' ? 'listItem' : ch === ']' ? 'argsEnd' : space ? 'afterItem' : { error: `expected "," or "]" after a string in a command's arguments, found "${ch}"` };
    case 'argsEnd':
      return ch === ')' ? 'commandEnd' : space ? 'argsEnd' : { error: `expected ")" after a command's argument list, found "${ch}"` };
    case 'commandEnd':
      return ch === '%' ? 'text' : space ? 'commandEnd' : { error: `only spaces and "%" may follow a command's ")" (Istio does not read a ":length" there), found "${ch}"` };
  }
}
