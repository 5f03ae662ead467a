/**
 * The console's routes, from the path (`/console/...`; `/` is the overview). The Worker
 * answers every one of these paths with the same page (src/app.ts), so links can be shared
 * and reloaded; navigation inside the console uses the History API.
 */
export type Route =
  | { page: "overview" }
  | { page: "match"; matchId: string }
  | { page: "bot"; botId: string }
  | { page: "channels"; channel: string | null }
  | { page: "approvals" }
  | { page: "missing"; path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .replace(/^\/console\/?/, "/")
    .split("/")
    .filter(Boolean)
    .map((part) => decodeURIComponent(part));
  const [first, second, ...rest] = parts;
  if (rest.length === 0) {
    if (first === undefined) return { page: "overview" };
    if (first === "matches" && second) return { page: "match", matchId: second };
    if (first === "bots" && second) return { page: "bot", botId: second };
    if (first === "channels") return { page: "channels", channel: second ?? null };
    if (first === "approvals" && second === undefined) return { page: "approvals" };
  }
  return { page: "missing", path: pathname };
}

export const paths = {
  overview: () => "/console/",
  match: (id: string) => `/console/matches/${encodeURIComponent(id)}`,
  bot: (id: string) => `/console/bots/${encodeURIComponent(id)}`,
  channel: (name: string) => `/console/channels/${encodeURIComponent(name)}`,
  channels: () => "/console/channels",
  approvals: () => "/console/approvals",
};

const NAVIGATED = "botgate:navigate";

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  dispatchEvent(new Event(NAVIGATED));
}

/** Calls `listener` on every navigation (links and the back button). */
export function onNavigate(listener: () => void): () => void {
  addEventListener(NAVIGATED, listener);
  addEventListener("popstate", listener);
  return () => {
    removeEventListener(NAVIGATED, listener);
    removeEventListener("popstate", listener);
  };
}
