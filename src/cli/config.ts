import { existsSync, readFileSync } from "node:fs";

/** A usage or configuration problem: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** A failure reported by the server or the network: exit code 1 (3 for credentials). */
export class CommandError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The abort reason of Ctrl-C (SIGINT): the command stops and `botgate` exits 130. */
export const INTERRUPTED = "interrupted";

export const DEFAULT_URL = "http://127.0.0.1:8787";

/**
 * Dials a command tries before it reports the gateway unreachable (exit 4). A command that
 * got through rides out any later outage: its sockets re-dial and resume.
 */
export const CONNECT_ATTEMPTS = 3;

/** The gateway origin: `--url`, else `BOTGATE_URL`, else the local dev server. */
export function gatewayUrl(flag: string | undefined): string {
  return flag ?? process.env.BOTGATE_URL ?? DEFAULT_URL;
}

/**
 * A secret from `<NAME>` in the environment or the file named by `<NAME>_FILE`
 * (trimmed). Secrets never come from command-line arguments, which other users
 * of the machine can read.
 */
export function secret(name: string, fallbackFile?: () => string | undefined): string {
  const found = optionalSecret(name) ?? fallbackFile?.();
  if (found) return found;
  throw new UsageError(`set ${name} (or ${name}_FILE with the path of a file holding it)`);
}

/** Like `secret`, for a secret that may be absent: `undefined` when neither variable is set. */
export function optionalSecret(name: string): string | undefined {
  const direct = process.env[name];
  if (direct) return direct.trim();
  const file = process.env[`${name}_FILE`];
  if (file) return readFileSync(file, "utf8").trim();
  return undefined;
}

/** Local development: the ADMIN_TOKEN that `npm start` wrote to .dev.vars. */
export function devVarsAdminToken(): string | undefined {
  if (!existsSync(".dev.vars")) return undefined;
  const match = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(".dev.vars", "utf8"));
  return match?.[1];
}

/** JSON over HTTP with a bearer credential; non-2xx becomes a CommandError with the error code. */
export async function request<T>(
  origin: string,
  method: string,
  path: string,
  credential: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, origin), {
      method,
      headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new CommandError(`cannot reach ${origin}: ${(err as Error).message}`, 4);
  }
  const text = await response.text();
  const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    throw new CommandError(
      `${method} ${path}: HTTP ${response.status} ${String(data.error_code ?? "")} ${String(data.message ?? "")}`.trim(),
      response.status === 401 ? 3 : 1,
    );
  }
  return data as T;
}
