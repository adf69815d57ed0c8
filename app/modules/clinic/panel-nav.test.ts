import { expect, test } from "vitest";
import { panelNavFor } from "./panel-nav";

const labels = (roles: Parameters<typeof panelNavFor>[0]) => panelNavFor(roles).map((p) => p.label);

test("each role sees its own pages and everyone sees Today and My account", () => {
  expect(labels(["owner"])).toEqual(["Today", "Desk", "Calendar", "Book by phone", "Requests", "Visits", "Clinic profile", "Staff", "Payouts", "My account"]);
  expect(labels(["secretary"])).toEqual(["Today", "Desk", "Calendar", "Book by phone", "Requests", "Visits", "My account"]);
  expect(labels(["doctor"])).toEqual(["Today", "My profile", "My account"]);
  expect(labels(["owner", "doctor"])).toEqual(["Today", "Desk", "Calendar", "Book by phone", "Requests", "Visits", "Clinic profile", "Staff", "Payouts", "My profile", "My account"]);
});
