import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { appendPendingSessionCookie } from "~/modules/auth/session.server";
import { startMessenger } from "~/modules/messaging/messenger.server";
import { getPaymentProvider } from "~/modules/payments/provider.server";
import { newNonce, pageContentSecurityPolicy, sessionCacheHeaders } from "~/server/security-headers.server";
import { getEnv } from "~/utils/env.server";
import { log, redactUrl } from "~/utils/log.server";

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  // One nonce per render: the policy names it, and every inline script of this page carries it
  // (Remix's through <Scripts nonce> and RemixServer's data stream, React's through the render option).
  const nonce = newNonce();
  const page = (
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>
  );
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(page, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Content-Security-Policy", pageContentSecurityPolicy(nonce, getEnv()));
        appendPendingSessionCookie(loadContext, responseHeaders);
        sessionCacheHeaders(request, responseHeaders);
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) log.error("render error", { requestId: loadContext.requestId, error: (error as Error)?.message });
      },
    });
    setTimeout(abort, streamTimeout + 1_000);
  });
}

/** Data requests (client navigations) also carry a renewed session cookie, like documents do, and are as private. */
export function handleDataRequest(response: Response, { context, request }: { context: AppLoadContext; request: Request }) {
  appendPendingSessionCookie(context, response.headers);
  sessionCacheHeaders(request, response.headers);
  return response;
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // An address no route serves (a browser's /favicon.ico, a crawler's guess) is a 404 page, not a server error.
  if (request.signal.aborted || (isRouteErrorResponse(error) && error.status === 404)) return;
  log.error("server error", { url: redactUrl(request.url), error: (error as Error)?.message, stack: (error as Error)?.stack });
}

/**
 * Start-up, before the first request: the vendor SDKs that are configured (nodemailer,
 * Stripe; Twilio is plain HTTPS) are loaded once, and the others never. The server calls this through the build
 * (app/server/http-app.server.ts) because the routes use the build's own copy of these modules.
 */
export async function startIntegrations(): Promise<Record<string, string>> {
  const messaging = await startMessenger();
  return { ...messaging, payments: getPaymentProvider().name };
}

/** The app's server-side entry points for server.ts (see app/server/kit.server.ts). */
export * as serverKit from "~/server/kit.server";
