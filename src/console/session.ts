/**
 * The sign-in token: kept in sessionStorage only (gone with the tab), never put in a URL,
 * a log line or localStorage.
 */
const KEY = "botgate.console.token";

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
