/** Stripe Connect onboarding from the owner panel, against the msw stand-in for Stripe and the real database. */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStripeProvider } from "~/integrations/stripe.server";
import { payoutStatus, refreshPayoutStatus, startPayoutOnboarding } from "~/modules/payments/payouts.server";
import { createStripeMock } from "../mocks/stripe";
import { createTestClinic, testDb } from "../support/db";

const mock = createStripeMock();
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const stripe = createStripeProvider({ secretKey: "sk_test_payouts", webhookSecret: null, maxNetworkRetries: 0 });
const urls = { refreshUrl: "https://clinic.test/panel/payouts?stripe=refresh", returnUrl: "https://clinic.test/panel/payouts?stripe=return" };

test("onboarding creates the clinic's account once, stores it, audits each start and refreshes the status", async () => {
  const db = testDb();
  const clinic = await createTestClinic();
  mock.reset();
  const actor = { actor: { type: "staff" as const, id: "owner-1" }, request: null };
  const first = await startPayoutOnboarding(db.forClinic(clinic.id), stripe, "owner@clinic.test", urls, actor);
  expect(first.url).toMatch(/^https:\/\/connect\.stripe\.com\//);
  expect((await payoutStatus(db.forClinic(clinic.id))).accountRef).toBe(first.accountRef);

  const again = await startPayoutOnboarding(db.forClinic(clinic.id), stripe, "owner@clinic.test", urls, actor);
  expect(again.accountRef).toBe(first.accountRef);
  expect(mock.mutations().map((r) => r.path)).toEqual(["/v1/accounts", "/v1/account_links", "/v1/account_links"]);
  const links = mock.mutations().filter((r) => r.path === "/v1/account_links");
  expect(links[0]!.idempotencyKey).not.toBe(links[1]!.idempotencyKey);

  const audits = await db.forClinic(clinic.id).tx((tx) => tx.auditEvent.findMany({ where: { clinicId: clinic.id, action: "payouts.onboarding_started" } }));
  expect(audits).toHaveLength(2);
  expect(audits[0]).toMatchObject({ actorType: "staff", actorId: "owner-1", targetType: "clinic", targetId: clinic.id });

  expect(await refreshPayoutStatus(db.forClinic(clinic.id), stripe)).toEqual({ accountRef: first.accountRef, chargesEnabled: true, payoutsEnabled: false, detailsSubmitted: true });
  expect(await payoutStatus(db.forClinic(clinic.id))).toMatchObject({ chargesEnabled: true, detailsSubmitted: true });
});
