/** Server-wide agent settings read from wrangler vars. */

export type RegistrationMode = "open" | "invite" | "closed";

/** Server admins: the `SERVER_ADMINS` var, comma-separated user names (never "first user wins"). */
export function serverAdmins(env: Env): ReadonlySet<string> {
  return new Set(
    String(env.SERVER_ADMINS)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  );
}

/** `AGENT_REGISTRATION`: anything unrecognised is treated as closed, the safe reading. */
export function registrationMode(env: Env): RegistrationMode {
  const mode = String(env.AGENT_REGISTRATION);
  return mode === "open" || mode === "invite" ? mode : "closed";
}
