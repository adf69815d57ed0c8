/** One line of the printed table (and of the JSON report). */
export interface Row {
  what: string;
  target: string;
  measured: string;
  result: "pass" | "FAIL" | "n/a" | "not built yet";
}

export const verdict = (ok: boolean): Row["result"] => (ok ? "pass" : "FAIL");
