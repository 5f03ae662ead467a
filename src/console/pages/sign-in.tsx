import { useState } from "preact/hooks";

/** The sign-in form: an operator token (bgop_…) or the deployment's ADMIN_TOKEN. */
export function SignIn(props: { problem: string | null; onToken: (token: string) => void }) {
  const [token, setToken] = useState("");
  return (
    <main class="sign-in">
      <h1>botgate console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) props.onToken(token.trim());
        }}
      >
        <label for="token">Operator or admin token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          required
        />
        <button type="submit">Sign in</button>
      </form>
      {props.problem ? (
        <p class="problem" role="alert">
          {props.problem}
        </p>
      ) : null}
      <p class="hint">
        The token stays in this tab (sessionStorage) and is sent only to this gateway. Mint an
        operator token with <code>POST /api/operators/tokens</code>.
      </p>
    </main>
  );
}
