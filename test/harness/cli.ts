/** Runs the `botgate` CLI (or another script) as a child process (Node strips the types). */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HANG_MS } from "./until.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI (or `options.script`, e.g. an installed bin or a project's file) to its end.
 * `options.node`: another Node binary than this one (the system's, for a user's project).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; cwd?: string; script?: string; node?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [options.script ?? MAIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timeoutMs = options.timeoutMs ?? HANG_MS;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`botgate ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running CLI process: its stdin, and a wait for a line of its stdout. */
export interface CliProcess {
  write(line: string): void;
  endInput(): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  output(): string;
  kill(signal?: NodeJS.Signals): void;
  exited(timeoutMs?: number): Promise<number | null>;
}

export function startCli(
  args: string[],
  env: Record<string, string>,
  cwd = process.cwd(),
): CliProcess {
  return startScript(MAIN, args, env, cwd);
}

/** Runs a TypeScript file with this Node (types stripped), as `startCli` does for the CLI. */
export function startScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd = process.cwd(),
): CliProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let exitCode: number | null | undefined;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
  };
  child.stdout.on("data", (d) => {
    stdout += d;
    wake();
  });
  child.stderr.on("data", (d) => {
    stdout += d;
  });
  child.on("exit", (code) => {
    exitCode = code;
    wake();
  });
  const until = async (ready: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; output:\n${stdout}`);
      await new Promise<void>((resolve) => {
        const w = () => {
          wakers.delete(w);
          resolve();
        };
        wakers.add(w);
        setTimeout(w, 100);
      });
    }
  };
  return {
    write: (line) => child.stdin.write(`${line}\n`),
    endInput: () => child.stdin.end(),
    async waitFor(pattern, timeoutMs = HANG_MS) {
      await until(() => pattern.test(stdout) || exitCode !== undefined, timeoutMs, String(pattern));
      const match = pattern.exec(stdout);
      if (!match)
        throw new Error(`process exited (${exitCode}) before ${pattern}; output:\n${stdout}`);
      return match[0];
    },
    output: () => stdout,
    kill: (signal = "SIGKILL") => child.kill(signal),
    async exited(timeoutMs = HANG_MS) {
      await until(() => exitCode !== undefined, timeoutMs, "the process to exit");
      return exitCode ?? null;
    },
  };
}
