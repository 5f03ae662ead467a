/**
 * The web console's entry: sign-in, the operator connection, the page for the path.
 * Built into public/console/app.js by scripts/build-assets.ts (docs/console.md).
 */
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ConnectionState } from "./gateway.ts";
import { Live } from "./live.ts";
import { ApprovalsPage } from "./pages/approvals.tsx";
import { BotPage } from "./pages/bot.tsx";
import { ChannelsPage } from "./pages/channels.tsx";
import { MatchPage } from "./pages/match.tsx";
import { Overview } from "./pages/overview.tsx";
import { SignIn } from "./pages/sign-in.tsx";
import { onNavigate, parseRoute, paths, type Route } from "./router.ts";
import { forgetToken, storedToken, storeToken } from "./session.ts";
import { Link, LiveContext, useLive } from "./ui.tsx";

const OPERATOR_URL = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/operator`;

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => onNavigate(() => setRoute(parseRoute(location.pathname))), []);
  return route;
}

function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function ConnectionBadge(props: { state: ConnectionState }) {
  const now = useNow(1000);
  const { state } = props;
  const text =
    state.phase === "online"
      ? "online"
      : state.phase === "connecting"
        ? "connecting…"
        : state.phase === "offline"
          ? `offline — retrying in ${Math.max(0, Math.ceil((state.retryAt - now) / 1000))} s (${state.reason})`
          : "signed out";
  return (
    <span class={`badge ${state.phase}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}

function Page(props: { route: Route }) {
  const { route } = props;
  switch (route.page) {
    case "overview":
      return <Overview />;
    case "match":
      return <MatchPage matchId={route.matchId} />;
    case "approvals":
      return <ApprovalsPage />;
    case "bot":
      return <BotPage botId={route.botId} />;
    case "channels":
      return <ChannelsPage channel={route.channel} />;
    case "missing":
      return (
        <p class="problem" role="alert">
          No such page: {route.path}
        </p>
      );
  }
}

function Shell(props: { onSignOut: () => void }) {
  const { live, state } = useLive();
  const route = useRoute();
  const scopes = state.hello?.auth.scopes ?? [];
  return (
    <>
      <header class="bar">
        <Link href={paths.overview()} class="brand">
          botgate
        </Link>
        <nav>
          <Link href={paths.overview()}>Overview</Link>
          <Link href={paths.channels()}>Channels</Link>
          {live.can("exec.approval.list") ? <Link href={paths.approvals()}>Approvals</Link> : null}
        </nav>
        <ConnectionBadge state={state.connection} />
        <span class="scopes" title="granted scopes">
          {scopes.join(" ")}
        </span>
        <button type="button" class="link" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}

function App() {
  const [token, setToken] = useState(storedToken);
  const [problem, setProblem] = useState<string | null>(null);
  const live = useMemo(() => (token ? new Live(OPERATOR_URL, token) : null), [token]);
  useEffect(() => {
    if (!live) return;
    const signOut = live.subscribe((state) => {
      if (state.connection.phase !== "refused") return;
      forgetToken();
      setProblem(
        state.connection.code === "AUTH_TOKEN_MISMATCH"
          ? "The gateway refused this token: it is not a valid operator or admin token (it may have been revoked)."
          : `The gateway refused the connection: ${state.connection.message} (${state.connection.code}).`,
      );
      setToken(null);
    });
    const back = () => live.connection.reconnectNow("network back");
    addEventListener("online", back);
    live.connection.start();
    return () => {
      signOut();
      removeEventListener("online", back);
      live.connection.stop();
    };
  }, [live]);
  if (!live) {
    return (
      <SignIn
        problem={problem}
        onToken={(value) => {
          storeToken(value);
          setProblem(null);
          setToken(value);
        }}
      />
    );
  }
  return (
    <LiveContext.Provider value={live}>
      <Shell
        onSignOut={() => {
          forgetToken();
          setToken(null);
        }}
      />
    </LiveContext.Provider>
  );
}

const root = document.getElementById("console");
if (root) render(<App />, root);
