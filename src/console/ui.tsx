/**
 * Small shared pieces of the console's pages: links that navigate in place, the hook that
 * follows the live state, and formatting. Everything from the server is rendered as text
 * (JSX children), never as HTML.
 */
import type { ComponentChildren, TargetedMouseEvent } from "preact";
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { Live, LiveState } from "./live.ts";
import { navigate } from "./router.ts";

export const LiveContext = createContext<Live | null>(null);

export function useLive(): { live: Live; state: LiveState } {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive outside the signed-in console");
  const [state, setState] = useState(live.current);
  useEffect(() => {
    setState(live.current);
    return live.subscribe(setState);
  }, [live]);
  return { live, state };
}

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  const onClick = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} class={props.class}>
      {props.children}
    </a>
  );
}

export function Section(props: { title: string; count?: number; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={props.title}>
      <h2>
        {props.title}
        {props.count === undefined ? null : <span class="count">{props.count}</span>}
      </h2>
      {props.children}
    </section>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

export function clock(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleTimeString();
}

/** Runs `load` now and again whenever `deps` change; its result, its error, or null while loading. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): { value: T | null; error: Error | null } {
  const [result, setResult] = useState<{ value: T | null; error: Error | null }>({
    value: null,
    error: null,
  });
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setResult({ value, error: null }),
      (error: Error) => current && setResult({ value: null, error }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return result;
}
