import { describe, expect, it } from "vitest";
import { panelNavFor } from "./panel-nav";

const labels = (roles: Parameters<typeof panelNavFor>[0]) => panelNavFor(roles).map((p) => p.label);

describe("panel navigation", () => {
  it("gives each role its own pages, in the sidebar's order", () => {
    expect(labels(["owner"])).toEqual([
      "Today", "Desk", "Queue", "Calendar", "Book by phone", "Requests", "Waitlist", "Visits", "Patients", "Reports", "Payouts",
      "Clinic profile", "Locations", "Services", "Schedules", "Staff", "Settings", "Documents", "API keys", "Audit log",
      "Time off", "My account",
    ]);
    expect(labels(["secretary"])).toEqual(["Today", "Desk", "Queue", "Calendar", "Book by phone", "Requests", "Waitlist", "Visits", "Patients", "My account"]);
    expect(labels(["doctor"])).toEqual(["Today", "My day", "Patients", "Time off", "My profile", "My account"]);
  });

  it("keeps each group together, day-to-day first, so the menu can fold the groups", () => {
    const nav = panelNavFor(["owner", "doctor"]);
    const order = nav.map((p) => p.group).filter((g, i, all) => all.indexOf(g) === i);
    expect(order).toEqual(["Day-to-day", "Patients", "Money", "Clinic setup", "You"]);
    // Each group is one run: no group comes back after another began.
    expect(nav.map((p) => p.group).filter((g, i, all) => i === 0 || all[i - 1] !== g)).toEqual(order);
  });

  it("lists a page once for someone with several roles", () => {
    const both = labels(["owner", "doctor"]);
    expect(both).toContain("My day");
    expect(both.filter((l) => l === "Time off")).toHaveLength(1);
  });
});
