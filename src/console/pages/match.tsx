/**
 * The live table (`/console/matches/{id}`): the spectator socket drawn as a poker table
 * (seats, stacks, cards, board, pot, the action log, whose turn and its clock) and the hand
 * history from `GET /api/matches/{id}/hands`, each hand's deck commitment checked here.
 */
import { useEffect, useState } from "preact/hooks";
import { backoffDelay } from "../backoff.ts";
import { checkDeck, type DeckVerdict, type HandToCheck } from "../deck.ts";
import { GatewayError } from "../gateway.ts";
import { ApiProblem, apiGet } from "../http.ts";
import type { MatchView } from "../live.ts";
import { paths } from "../router.ts";
import { storedToken } from "../session.ts";
import { EMPTY_TABLE, type TableHand, type TableState, tableReduce } from "../table.ts";
import { clock, Empty, Link, Section, shortId, useLive, useLoad } from "../ui.tsx";

const SUITS: Record<string, string> = { c: "♣", d: "♦", h: "♥", s: "♠" };

function Card(props: { card: string | null }) {
  if (!props.card) return <span class="card-face back">??</span>;
  const suit = props.card.slice(-1);
  const red = suit === "h" || suit === "d";
  return (
    <span class={red ? "card-face red" : "card-face"} title={props.card}>
      {props.card.slice(0, -1)}
      {SUITS[suit] ?? suit}
    </span>
  );
}

function Cards(props: { cards: readonly (string | null)[] }) {
  return (
    <span class="cards">
      {props.cards.map((card, i) => (
        <Card key={i} card={card} />
      ))}
    </span>
  );
}

/** Follows the spectator stream of a live match; reconnects after a drop until `match_end`. */
function useSpectator(
  matchId: string,
  active: boolean,
): { table: TableState; problem: string | null } {
  const [table, setTable] = useState(EMPTY_TABLE);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const open = () => {
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/match/${encodeURIComponent(matchId)}/spectate`;
      try {
        socket = new WebSocket(url, ["botgate-admin", storedToken() ?? ""]);
      } catch {
        setProblem("This token cannot be offered to the spectator socket.");
        return;
      }
      socket.onmessage = (message) => {
        attempt = 0;
        const frame = JSON.parse(String(message.data)) as Record<string, unknown> & {
          type: string;
        };
        setTable((current) => tableReduce(current, frame));
        if (frame.type === "match_end") stopped = true;
      };
      socket.onclose = (close) => {
        if (stopped) return;
        if (close.code === 4001) {
          setProblem("The spectator socket refused this token: it needs operator.read.");
          return;
        }
        if (close.code === 4002) {
          setProblem("The match object does not know this match.");
          return;
        }
        timer = setTimeout(open, backoffDelay(attempt++));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close(1000, "page left");
    };
  }, [matchId, active]);
  return { table, problem };
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function Table(props: { table: TableState }) {
  const { table } = props;
  const hand: TableHand | null = table.hand;
  const now = useNow(hand?.acting !== null && hand?.acting !== undefined);
  const acting = hand?.acting ?? null;
  return (
    <section class="table" aria-label="Table">
      <div class="seats">
        {table.seats.map((seat) => {
          const holes = hand?.holes[seat.seat] ?? null;
          const isActing = acting?.seat === seat.seat;
          return (
            <article
              key={seat.seat}
              class={isActing ? "seat acting" : "seat"}
              aria-label={`Seat ${seat.seat}`}
            >
              <div>
                <strong>{seat.name}</strong>
                {hand?.dealer === seat.seat ? (
                  <span class="dealer" title="dealer">
                    D
                  </span>
                ) : null}
              </div>
              <div class="stack">stack {table.stacks[seat.seat] ?? "—"}</div>
              {hand ? <Cards cards={holes ?? [null, null]} /> : null}
              {isActing && acting ? (
                <div class="clock">
                  to act ·{" "}
                  {(Math.max(0, Math.min(acting.timeoutMs, acting.deadline - now)) / 1000).toFixed(
                    1,
                  )}{" "}
                  s
                </div>
              ) : null}
              {hand?.winners?.includes(seat.seat) ? <div class="ok">wins</div> : null}
            </article>
          );
        })}
      </div>
      <section aria-label="Board">{hand ? <Cards cards={hand.board} /> : null}</section>
      <div class="pot">
        {hand
          ? `Hand ${hand.number} · pot ${hand.pot}`
          : table.status === "waiting"
            ? "Waiting for the seats"
            : ""}
        {table.blinds ? ` · blinds ${table.blinds}` : ""}
      </div>
    </section>
  );
}

function ActionLog(props: { table: TableState }) {
  const hand = props.table.hand;
  const name = (seat: number | null) =>
    seat === null ? "" : (props.table.seats.find((s) => s.seat === seat)?.name ?? `seat ${seat}`);
  if (!hand) return <Empty>No hand yet.</Empty>;
  return (
    <ol class="rows log" aria-label="Action log">
      {hand.log.map((line, i) => (
        <li key={i}>
          {line.seat === null ? null : <strong>{name(line.seat)}</strong>} {line.text}
        </li>
      ))}
    </ol>
  );
}

interface HandRecord extends HandToCheck {
  hand_number: number;
  ended_at: string | null;
  result: { winner_seats: number[]; pot: number } | null;
}

function DeckMark(props: { verdict: DeckVerdict | undefined }) {
  if (!props.verdict) return <span>…</span>;
  return props.verdict.ok ? (
    <span class="ok" title="SHA-256 of the reveal is the commitment">
      ✓
    </span>
  ) : (
    <span class="bad" title={props.verdict.why}>
      ✗ {props.verdict.why}
    </span>
  );
}

function History(props: {
  matchId: string;
  seats: { seat: number; name: string }[];
  refresh: number;
}) {
  const { value, error } = useLoad(
    () =>
      apiGet<{ hands: HandRecord[] }>(`/api/matches/${encodeURIComponent(props.matchId)}/hands`),
    [props.matchId, props.refresh],
  );
  const [verdicts, setVerdicts] = useState<Map<number, DeckVerdict>>(new Map());
  useEffect(() => {
    if (!value) return;
    let current = true;
    void Promise.all(
      value.hands.map(async (hand) => [hand.hand_number, await checkDeck(hand)] as const),
    ).then((checked) => current && setVerdicts(new Map(checked)));
    return () => {
      current = false;
    };
  }, [value]);
  if (error) {
    return (
      <p class="problem" role="alert">
        {error instanceof ApiProblem && error.status === 401
          ? "The hand history needs the admin token or an operator token with operator.read."
          : `The hand history could not be read: ${error.message}`}
      </p>
    );
  }
  if (!value) return <Empty>Loading the hand history…</Empty>;
  if (value.hands.length === 0) return <Empty>No completed hand yet.</Empty>;
  const name = (seat: number) => props.seats.find((s) => s.seat === seat)?.name ?? `seat ${seat}`;
  const verified = value.hands.filter((hand) => verdicts.get(hand.hand_number)?.ok).length;
  return (
    <>
      <p class="meta" aria-live="polite">
        {verified} of {value.hands.length} hands verified
      </p>
      <div class="scroll">
        <table aria-label="Hand history">
          <thead>
            <tr>
              <th>Hand</th>
              <th>Hole cards</th>
              <th>Board</th>
              <th>Winner</th>
              <th>Pot</th>
              <th>Deck</th>
            </tr>
          </thead>
          <tbody>
            {value.hands.map((hand) => (
              <tr key={hand.hand_number}>
                <td>{hand.hand_number}</td>
                <td>
                  {hand.hole_cards.map((cards, seat) => (
                    <div key={seat}>
                      {name(seat)}: <Cards cards={cards} />
                    </div>
                  ))}
                </td>
                <td>
                  <Cards cards={hand.board ?? []} />
                </td>
                <td>{(hand.result?.winner_seats ?? []).map(name).join(", ") || "—"}</td>
                <td>{hand.result?.pot ?? "—"}</td>
                <td>
                  <DeckMark verdict={verdicts.get(hand.hand_number)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Final(props: { match: MatchView }) {
  return (
    <ul class="rows" aria-label="Result">
      {[...props.match.seats]
        .sort((a, b) => (a.place ?? 99) - (b.place ?? 99))
        .map((seat) => (
          <li key={seat.seat}>
            <strong>{seat.place ? `#${seat.place}` : "—"}</strong>
            <Link href={paths.bot(seat.botId)}>{seat.name ?? shortId(seat.botId)}</Link>
            <span class="meta">
              {seat.netChips === null || seat.netChips === undefined
                ? ""
                : `${seat.netChips > 0 ? "+" : ""}${seat.netChips} chips`}
            </span>
          </li>
        ))}
    </ul>
  );
}

export function MatchPage(props: { matchId: string }) {
  const { live, state } = useLive();
  const { value: match, error } = useLoad(
    () => live.request<MatchView>("botgate.matches.get", { matchId: props.matchId }),
    [props.matchId, state.generation, state.liveMatches.some((m) => m.matchId === props.matchId)],
  );
  const running = match !== null && (match.status === "live" || match.status === "dispatching");
  const { table, problem } = useSpectator(props.matchId, running);
  if (error) {
    const code = error instanceof GatewayError ? (error.details?.code ?? error.code) : "";
    if (code === "MATCH_NOT_FOUND" || code === "INVALID_REQUEST") {
      return (
        <p class="problem" role="alert">
          No match with id {props.matchId}.
        </p>
      );
    }
    return <Empty>Waiting for the gateway…</Empty>;
  }
  if (!match) return <Empty>Loading the match…</Empty>;
  const seats = match.seats.map((s) => ({ seat: s.seat, name: s.name ?? shortId(s.botId) }));
  const ended = table.status === "ended" || !running;
  return (
    <>
      <h1>
        {seats.map((s) => s.name).join(" vs ")}{" "}
        <span class="meta">
          {ended ? (table.status === "ended" ? "ended" : match.status) : "live"} · {match.source}
          {match.rated ? " · rated" : ""} · started {clock(match.createdAt)}
        </span>
      </h1>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <div class="columns">
        <div>
          {running || table.hand ? <Table table={table} /> : null}
          {ended && !running ? <Final match={match} /> : null}
          {running && table.final ? (
            <ul class="rows" aria-label="Result">
              {[...table.final]
                .sort((a, b) => (a.place ?? 99) - (b.place ?? 99))
                .map((r) => (
                  <li key={r.seat}>
                    <strong>{r.place ? `#${r.place}` : "—"}</strong> {r.name}{" "}
                    <span class="meta">{`${r.net > 0 ? "+" : ""}${r.net} chips`}</span>
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
        {running || table.hand ? (
          <Section title="Action log">
            <ActionLog table={table} />
          </Section>
        ) : null}
      </div>
      <Section title="Hand history">
        <History matchId={props.matchId} seats={seats} refresh={table.handsSeen} />
      </Section>
    </>
  );
}
