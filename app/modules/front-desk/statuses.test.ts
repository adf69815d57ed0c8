import { expect, test } from "vitest";
import { statusesThat } from "~/lib/appointment-status";
import { VISIT_STATUSES } from "./statuses";

test("the desk's status filter lists exactly the statuses a visit can show", () => {
  expect([...VISIT_STATUSES].sort()).toEqual(statusesThat("visit").sort());
});
