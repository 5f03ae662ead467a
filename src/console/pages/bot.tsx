/**
 * A bot (`/console/bots/{id}`): online or not (presence), its recent matches with results
 * (`botgate.matches.list`), its rating and rating history (`GET /api/bots/{id}/rating`, public)
 * and its decision latency (`GET /api/external-api/bots/{id}/latency-stats`, admin token).
 */
import { ApiProblem, apiGet } from "../http.ts";
import type { MatchView } from "../live.ts";
import { paths } from "../router.ts";
import { clock, Empty, Link, Section, shortId, useLive, useLoad } from "../ui.tsx";

interface Rating {
  rating: number;
  mu: number;
  sigma: number;
  matches: number;
  wins: number;
  losses: number;
  draws: number;
  history: {
    match_id: string;
    result: string;
    rating_before: number;
    rating: number;
    rated_at: string;
  }[];
}

interface Latency {
  sample_count: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

const fixed = (n: number) => n.toFixed(1);

function Matches(props: { botId: string }) {
  const { live, state } = useLive();
  const { value, error } = useLoad(
    () =>
      live.request<{ matches: MatchView[] }>("botgate.matches.list", { status: "all", limit: 200 }),
    [state.generation, state.liveMatches, state.recentMatches],
  );
  if (error) return <Empty>The matches could not be read: {error.message}</Empty>;
  if (!value) return <Empty>Loading…</Empty>;
  const mine = value.matches
    .filter((m) => m.seats.some((s) => s.botId === props.botId))
    .slice(0, 20);
  if (mine.length === 0) return <Empty>No match yet.</Empty>;
  return (
    <ul class="rows" aria-label="Matches">
      {mine.map((match) => {
        const seat = match.seats.find((s) => s.botId === props.botId);
        const others = match.seats.filter((s) => s.botId !== props.botId);
        const net = seat?.netChips;
        return (
          <li key={match.matchId}>
            <Link href={paths.match(match.matchId)}>
              vs {others.map((s) => s.name ?? shortId(s.botId)).join(", ")}
            </Link>
            <span class="meta">
              {match.status}
              {seat?.place ? ` · #${seat.place}` : ""}
              {net === null || net === undefined ? "" : ` · ${net > 0 ? "+" : ""}${net} chips`} ·{" "}
              {clock(match.createdAt)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function RatingCard(props: { botId: string }) {
  const { value, error } = useLoad(
    () => apiGet<Rating>(`/api/bots/${encodeURIComponent(props.botId)}/rating?history=10`),
    [props.botId],
  );
  if (error) return <Empty>No rating: {error.message}</Empty>;
  if (!value) return <Empty>Loading…</Empty>;
  if (value.matches === 0) return <Empty>Not rated yet (no rated match).</Empty>;
  return (
    <>
      <p>
        <strong>{fixed(value.rating)}</strong>{" "}
        <span class="meta">
          μ {fixed(value.mu)} σ {fixed(value.sigma)} · {value.matches} rated matches · {value.wins}{" "}
          W {value.losses} L {value.draws} D
        </span>
      </p>
      <ul class="rows" aria-label="Rating history">
        {value.history.map((h) => (
          <li key={h.match_id}>
            <Link href={paths.match(h.match_id)}>{h.result}</Link>
            <span class="meta">
              {fixed(h.rating_before)} → {fixed(h.rating)} · {clock(h.rated_at)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

function LatencyCard(props: { botId: string }) {
  const { value, error } = useLoad(
    () =>
      apiGet<Latency>(`/api/external-api/bots/${encodeURIComponent(props.botId)}/latency-stats`),
    [props.botId],
  );
  if (error) {
    return (
      <Empty>
        {error instanceof ApiProblem && error.status === 401
          ? "Decision latency needs the admin token."
          : `Decision latency could not be read: ${error.message}`}
      </Empty>
    );
  }
  if (!value) return <Empty>Loading…</Empty>;
  if (value.sample_count === 0) return <Empty>No decisions recorded yet.</Empty>;
  return (
    <p>
      p50 {value.p50_ms} ms · p95 {value.p95_ms} ms · p99 {value.p99_ms} ms{" "}
      <span class="meta">over {value.sample_count} decisions</span>
    </p>
  );
}

export function BotPage(props: { botId: string }) {
  const { state } = useLive();
  const bot = state.bots.get(props.botId);
  if (!bot) {
    if (state.generation === 0) return <Empty>Loading…</Empty>;
    return (
      <p class="problem" role="alert">
        No bot with id {props.botId}.
      </p>
    );
  }
  const online = state.presence.has(`bot:${bot.id}`);
  return (
    <>
      <h1>
        {bot.name}{" "}
        <span class="meta">
          {bot.kind} · owner {bot.owner} · {bot.active ? "active" : "inactive"} ·{" "}
          {online ? "online" : "offline"}
        </span>
      </h1>
      <div class="grid">
        <Section title="Recent matches">
          <Matches botId={bot.id} />
        </Section>
        <Section title="Rating">
          <RatingCard botId={bot.id} />
        </Section>
        <Section title="Decision latency">
          <LatencyCard botId={bot.id} />
        </Section>
      </div>
    </>
  );
}
