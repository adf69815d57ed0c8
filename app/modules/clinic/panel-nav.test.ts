import { expect, test } from "vitest";
import { panelNavFor } from "./panel-nav";

const labels = (roles: Parameters<typeof panelNavFor>[0]) => panelNavFor(roles).map((p) => p.label);

test("each role sees its own pages and everyone sees Today and My account", () => {
  expect(labels(["owner"])).toEqual(["Today", "Visits", "Patients", "Clinic profile", "Staff", "Payouts", "Audit log", "My account"]);
  expect(labels(["secretary"])).toEqual(["Today", "Visits", "Patients", "My account"]);
  expect(labels(["doctor"])).toEqual(["Today", "Patients", "My profile", "My account"]);
  expect(labels(["owner", "doctor"])).toEqual(["Today", "Visits", "Patients", "Clinic profile", "Staff", "Payouts", "Audit log", "My profile", "My account"]);
});
