// A minimal structured logger: one JSON line per event on stderr. Tests pass `silentLogger`.
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function line(level: string, msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ level, at: new Date().toISOString(), msg, ...fields }) + '\n');
}

export const stderrLogger: Logger = {
  info: (m, f) => line('info', m, f),
  warn: (m, f) => line('warn', m, f),
  error: (m, f) => line('error', m, f),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
