import { describe, expect, it } from "vitest";
import { cancelOutcome, depositDetail, type DepositFacts } from "./wording";

const facts = (over: Partial<DepositFacts>): DepositFacts => ({
  status: "authorized",
  amount: "$25.00",
  card: "Visa •••• 4242",
  authorizeAt: "Mon, Dec 7, 9:00 AM",
  deadline: "Sun, Dec 13, 3:45 PM",
  deadlinePassed: false,
  failureMessage: null,
  ...over,
});

describe("the deposit in a patient's words", () => {
  it("before the deadline, says the deposit is released by cancelling in time", () => {
    expect(depositDetail(facts({})).text).toBe("$25.00 is reserved on Visa •••• 4242, not charged. Cancel before Sun, Dec 13, 3:45 PM and it is released.");
    expect(depositDetail(facts({ status: "pending" })).text).toMatch(/will be reserved on it on Mon, Dec 7, 9:00 AM; nothing is charged unless you cancel after Sun, Dec 13, 3:45 PM/);
  });

  it("once the deadline has passed (a visit booked inside the window), quotes no deadline that is already over", () => {
    for (const status of ["authorized", "pending"]) {
      const text = depositDetail(facts({ status, deadlinePassed: true })).text;
      expect(text).not.toMatch(/Cancel before|cancel after|released/);
      expect(text).toMatch(/time to cancel for free has passed, so (it|\$25\.00) will be charged/);
      expect(text).toMatch(/counts towards the price of the visit/);
    }
  });
});

describe("what cancelling does to the deposit, said before the patient confirms", () => {
  it("names the amount and the card that is let go, or says there is nothing to pay", () => {
    expect(cancelOutcome(facts({}), true)).toBe("The $25.00 reserved on Visa •••• 4242 is released at once. You are not charged.");
    expect(cancelOutcome(facts({ status: "pending" }), true)).toBe("Nothing has been reserved on your card yet, and the $25.00 deposit will not be.");
    expect(cancelOutcome(null, false)).toBe("There is no deposit on this visit, so cancelling costs nothing.");
    expect(cancelOutcome(null, true)).toBe("Nothing has been charged for this visit, and nothing will be.");
  });
});
