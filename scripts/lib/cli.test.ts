import { describe, expect, test } from "vitest";
import { TenantImportError } from "../../app/modules/tenancy/tenant-import.server";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandArgs, runCli, type CliCommand } from "./cli";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const seen: string[][] = [];
const commands: CliCommand[] = [
  {
    words: ["tenant", "import"],
    args: "<folder>",
    summary: "Import a clinic",
    async run(args, output) {
      const { positionals } = parseCommandArgs(args, {}, ["folder"]);
      if (positionals[0] === "missing") throw new TenantImportError("No clinic folder at /x/missing");
      if (positionals[0] === "crash") throw new Error("something broke");
      output.out(`imported ${positionals[0]}`);
    },
  },
  {
    words: ["api-key", "create"],
    args: "--clinic <slug> --name <label>",
    summary: "Create an API key",
    async run(args) {
      const { values } = parseCommandArgs(args, { clinic: { type: "string" }, name: { type: "string" } }, []);
      seen.push([values.clinic as string, values.name as string]);
    },
  },
];

describe("runCli", () => {
  test("runs the named command", async () => {
    const c = capture();
    expect(await runCli(["tenant", "import", "tenants/northside"], commands, c.output)).toBe(EXIT_OK);
    expect(c.out).toEqual(["imported tenants/northside"]);
    expect(await runCli(["api-key", "create", "--clinic", "northside", "--name", "website"], commands, c.output)).toBe(EXIT_OK);
    expect(seen).toEqual([["northside", "website"]]);
  });

  test("no command or an unknown one prints the usage and exits 2", async () => {
    const none = capture();
    expect(await runCli([], commands, none.output)).toBe(EXIT_USAGE);
    expect(none.err.join("\n")).toContain("tenant import <folder>");
    const unknown = capture();
    expect(await runCli(["tenant", "export", "x"], commands, unknown.output)).toBe(EXIT_USAGE);
    expect(unknown.err.join("\n")).toMatch(/^Unknown command: tenant export x\n\nUsage: npm run -s cli -- <command>/);
    expect(unknown.err.join("\n")).toContain("api-key create --clinic <slug> --name <label>");
  });

  test("help goes to stdout and exits 0", async () => {
    const c = capture();
    expect(await runCli(["--help"], commands, c.output)).toBe(EXIT_OK);
    expect(c.out.join("\n")).toContain("Commands:");
  });

  test("wrong arguments exit 2 with the command's usage", async () => {
    const c = capture();
    expect(await runCli(["tenant", "import"], commands, c.output)).toBe(EXIT_USAGE);
    expect(c.err).toEqual(["tenant import: missing <folder>\nUsage: npm run -s cli -- tenant import <folder>"]);
    const extra = capture();
    expect(await runCli(["tenant", "import", "a", "b"], commands, extra.output)).toBe(EXIT_USAGE);
    expect(extra.err[0]).toContain('unexpected argument "b"');
    const flag = capture();
    expect(await runCli(["tenant", "import", "--force", "a"], commands, flag.output)).toBe(EXIT_USAGE);
  });

  test("a failure exits 1 with the message and no stack trace", async () => {
    const c = capture();
    expect(await runCli(["tenant", "import", "missing"], commands, c.output)).toBe(EXIT_FAILED);
    expect(c.err).toEqual(["Error: No clinic folder at /x/missing"]);
    const crash = capture();
    expect(await runCli(["tenant", "import", "crash"], commands, crash.output)).toBe(EXIT_FAILED);
    expect(crash.err).toEqual(["Error: something broke"]);
  });
});
