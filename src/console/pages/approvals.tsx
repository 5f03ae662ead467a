/**
 * Approvals (`/console/approvals`): the sleds' pending permission requests with tool name
 * and input, answered Allow once / Allow always / Deny (`exec.approval.resolve`), each
 * outcome and who decided; the history (`approval.history`). Live from
 * `exec.approval.requested|resolved`.
 */
import { useEffect, useState } from "preact/hooks";
import type { GatewayEvent } from "../gateway.ts";
import { clock, Empty, Section, useLive, useLoad } from "../ui.tsx";

interface Approval {
  id: string;
  project: string;
  toolName: string;
  toolInput: unknown;
  status: string;
  createdAtMs: number;
  expiresAtMs: number;
}

interface Snapshot {
  id: string;
  status: string;
  decision?: string;
  reason?: string;
  resolvedAtMs?: number;
  resolver?: { id?: string };
  presentation?: { commandText?: string; nodeId?: string };
}

type Decision = "allow-once" | "allow-always" | "deny";
const DECISIONS: [Decision, string][] = [
  ["allow-once", "Allow once"],
  ["allow-always", "Allow always"],
  ["deny", "Deny"],
];

function inputText(input: unknown): string {
  return typeof input === "string" ? input : JSON.stringify(input, null, 2);
}

function Pending(props: { approval: Approval; onDecided: (text: string) => void }) {
  const { live } = useLive();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { approval } = props;
  const decide = async (decision: Decision) => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await live.request<{
        applied: boolean;
        approval: { status: string; resolvedBy: string | null };
      }>("exec.approval.resolve", { id: approval.id, decision });
      props.onDecided(
        `${approval.toolName} on ${approval.project}: ${answer.approval.status} by ${answer.approval.resolvedBy ?? "?"}${answer.applied ? "" : " (already decided)"}`,
      );
    } catch (error) {
      setProblem((error as Error).message);
      setBusy(false);
    }
  };
  return (
    <li>
      <article class="approval" aria-label={`Approval ${approval.toolName}`}>
        <div>
          <strong>{approval.toolName}</strong>{" "}
          <span class="meta">
            {approval.project} · asked {clock(approval.createdAtMs)} · denied at{" "}
            {clock(approval.expiresAtMs)} if nobody answers
          </span>
        </div>
        <pre class="input">{inputText(approval.toolInput)}</pre>
        <div class="actions">
          {DECISIONS.map(([decision, label]) => (
            <button
              key={decision}
              type="button"
              class={decision === "deny" ? "danger" : "primary"}
              disabled={busy}
              onClick={() => void decide(decision)}
            >
              {label}
            </button>
          ))}
        </div>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </article>
    </li>
  );
}

export function ApprovalsPage() {
  const { live, state } = useLive();
  const [version, setVersion] = useState(0);
  const [outcomes, setOutcomes] = useState<string[]>([]);
  useEffect(
    () =>
      live.onGatewayEvent((event: GatewayEvent) => {
        if (event.event.startsWith("exec.approval.")) setVersion((n) => n + 1);
      }),
    [live],
  );
  const allowed = live.can("exec.approval.list");
  const pending = useLoad(
    () =>
      allowed
        ? live.request<{ approvals: Approval[] }>("exec.approval.list")
        : Promise.resolve({ approvals: [] }),
    [version, state.generation, allowed],
  );
  const history = useLoad(
    () =>
      live.can("approval.history")
        ? live.request<{ items: Snapshot[] }>("approval.history", { limit: 20 })
        : Promise.resolve({ items: [] }),
    [version, state.generation, allowed],
  );
  if (!state.hello) return <Empty>Connecting…</Empty>;
  if (!allowed) {
    return (
      <p class="problem" role="alert">
        This token has no operator.approvals scope: it cannot see or answer approvals.
      </p>
    );
  }
  const approvals = pending.value?.approvals ?? [];
  const items = (history.value?.items ?? []).filter((item) => item.status !== "pending");
  return (
    <>
      <Section title="Pending approvals" count={approvals.length}>
        {approvals.length === 0 ? (
          <Empty>Nothing is waiting for an answer.</Empty>
        ) : (
          <ul class="rows">
            {approvals.map((approval) => (
              <Pending
                key={approval.id}
                approval={approval}
                onDecided={(text) => setOutcomes((list) => [text, ...list].slice(0, 20))}
              />
            ))}
          </ul>
        )}
        {outcomes.length ? (
          <ul class="rows" aria-label="Your answers" aria-live="polite">
            {outcomes.map((text, i) => (
              <li key={`${i}:${text}`}>{text}</li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="History" count={items.length}>
        {items.length === 0 ? (
          <Empty>No decided approval yet.</Empty>
        ) : (
          <div class="scroll">
            <table aria-label="Approval history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Request</th>
                  <th>Outcome</th>
                  <th>Decided by</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id}>
                    <td>{clock(item.resolvedAtMs)}</td>
                    <td>
                      {item.presentation?.nodeId ?? ""}: {item.presentation?.commandText ?? item.id}
                    </td>
                    <td>
                      {item.status}
                      {item.decision ? ` (${item.decision})` : ""}
                      {item.reason ? ` · ${item.reason}` : ""}
                    </td>
                    <td>{item.resolver?.id ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
