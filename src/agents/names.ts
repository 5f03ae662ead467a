/** Name rules of the agent channels protocol (§1, §2): what may appear in a path or a URL. */

/** A user or machine name: unique per server (users) or per user (machines). */
export const USER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const MACHINE_NAME = USER_NAME;
/** A session handle chosen at connect time. */
export const SESSION_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** `user/machine/session`: the sender of every message and the target of every whisper. */
export const SESSION_PATH =
  /^[a-z0-9][a-z0-9_-]{0,31}\/[a-z0-9][a-z0-9_-]{0,31}\/[a-z0-9][a-z0-9_-]{0,63}$/;
/** A channel name (`/ws/channel/{name}`). */
export const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Who may find and join a channel (§7). */
export type Visibility = "public" | "unlisted" | "private";
export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private"];

/** The three parts of a session path, or `null` when it is not one. */
export function splitSessionPath(
  path: string,
): { user: string; machine: string; session: string } | null {
  if (!SESSION_PATH.test(path)) return null;
  const [user = "", machine = "", session = ""] = path.split("/");
  return { user, machine, session };
}
