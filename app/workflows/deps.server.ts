import { getPaymentProvider } from "~/modules/payments/provider.server";
import type { PaymentProvider } from "~/modules/payments/provider";
import { getDb, type Db } from "~/utils/db.server";

/**
 * What a workflow's steps reach: the database, the payment provider and the clock. The app's
 * functions use the real ones; tests build the same functions on a test database, the demo
 * provider and a clock they move along as each sleep "passes".
 */
export interface WorkflowDeps {
  db(): Db;
  payments(): PaymentProvider;
  now(): Date;
}

export const appDeps: WorkflowDeps = {
  db: getDb,
  payments: getPaymentProvider,
  now: () => new Date(),
};

/** Step results travel as JSON: dates come back as strings. */
export const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));
