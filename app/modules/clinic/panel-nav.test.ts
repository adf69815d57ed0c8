import { expect, test } from "vitest";
import { panelNavFor } from "./panel-nav";

const labels = (roles: Parameters<typeof panelNavFor>[0]) => panelNavFor(roles).map((p) => p.label);

test("each role sees its own pages and everyone sees Today and My account", () => {
  expect(labels(["owner"])).toEqual(["Today", "Visits", "Clinic profile", "Services", "Schedules", "Staff", "Payouts", "Time off", "My account"]);
  expect(labels(["secretary"])).toEqual(["Today", "Visits", "My account"]);
  expect(labels(["doctor"])).toEqual(["Today", "My profile", "Time off", "My account"]);
  expect(labels(["owner", "doctor"])).toEqual(["Today", "Visits", "Clinic profile", "Services", "Schedules", "Staff", "Payouts", "My profile", "Time off", "My account"]);
});
