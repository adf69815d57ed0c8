import { createContext, useContext } from "react";

/**
 * The nonce of this page render (the Content-Security-Policy names it), for the inline scripts
 * Remix writes (<Scripts>, <ScrollRestoration>). The browser never has one: it hides nonces from
 * scripts, and its own renders add no inline scripts.
 */
const NonceContext = createContext<string | undefined>(undefined);

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
