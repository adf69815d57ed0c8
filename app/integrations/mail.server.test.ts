import net from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createSmtpMail } from "./mail.server";

/** A tiny SMTP server on loopback that accepts every message and keeps what it received. */
const received: { from: string; to: string[]; data: string }[] = [];
let server: net.Server;
let port = 0;

beforeAll(async () => {
  server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let current = { from: "", to: [] as string[], data: "" };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 localhost test SMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let index: number;
      while ((index = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(current);
            current = { from: "", to: [], data: "" };
            reply("250 OK queued as test-1");
          } else current.data += `${line.startsWith("..") ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") {
          reply("250 localhost");
        } else if (verb === "MAIL") {
          current.from = line.slice(10).replace(/[<>]/g, "").trim();
          reply("250 OK");
        } else if (verb === "RCPT") {
          current.to.push(line.slice(8).replace(/[<>]/g, "").trim());
          reply("250 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "QUIT") {
          reply("221 Bye");
          socket.end();
        } else reply("250 OK");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("sends through SMTP_URL from MAIL_FROM", async () => {
  const mail = await createSmtpMail({ url: `smtp://127.0.0.1:${port}`, from: "Northside <no-reply@northside.example>" });
  const result = await mail.send({ to: "owner@northside.example", subject: "Reset your password", text: "Open https://northside.example/staff/reset-password/abc", html: "<p>Open</p>" });
  expect(result.providerId).toMatch(/@/);
  const message = received.at(-1)!;
  expect(message.from).toBe("no-reply@northside.example");
  expect(message.to).toEqual(["owner@northside.example"]);
  expect(message.data).toMatch(/^Subject: Reset your password$/m);
  expect(message.data).toMatch(/^From: Northside <no-reply@northside\.example>$/m);
  expect(message.data).toContain("https://northside.example/staff/reset-password/abc");
});
