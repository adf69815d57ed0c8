/** One line of the printed table (and of the JSON report). */
export interface Row {
  /** Rows with a section are printed in a table of their own under its name (e.g. "floor"). */
  section?: string;
  what: string;
  target: string;
  measured: string;
  result: "pass" | "FAIL" | "n/a" | "not built yet";
}

export const verdict = (ok: boolean): Row["result"] => (ok ? "pass" : "FAIL");
