/** Reaching sleds from the Worker and the hub: the registered projects and their objects. */
import { describeError, log } from "../lib/log.ts";
import { PROJECT_NAME } from "../registry/sled-tokens.ts";

/** Every registered project (D1), in name order. */
export async function sledProjects(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT project FROM sleds ORDER BY project")
    .all<{ project: string }>();
  return results.map((row) => row.project);
}

export function sledStub(env: Pick<Env, "SLED">, project: string) {
  return env.SLED.getByName(project);
}

/** Whether `name` could be a project (so garbage never creates an object). */
export function isProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}

/** Calls `fn` on the sled's object; logs and rethrows a failure to reach it. */
export async function viaSled<T>(project: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    log("warn", "sled_rpc_failed", { project, error: describeError(err) });
    throw err;
  }
}
