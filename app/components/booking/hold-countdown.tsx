import { useEffect, useState } from "react";

/**
 * "We are holding this time for you for 9:41 more", counting down live. The server's own count
 * (`secondsLeft`) is the start, so a phone whose clock is off still counts right; before the page's
 * script runs, whole minutes are shown. At zero it says the hold ran out (announced once, as an
 * alert) and offers fresh times.
 */
export function HoldCountdown({ secondsLeft, what, againHref }: { secondsLeft: number; what: string; againHref: string }) {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    const started = performance.now();
    const tick = () => setLeft(Math.max(0, secondsLeft - Math.floor((performance.now() - started) / 1000)));
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [secondsLeft]);

  if (left === 0) {
    return (
      <p className="mt-2 font-medium text-red-800" role="alert" data-testid="hold-minutes">
        The hold on {what} has run out, so someone else may take it.{" "}
        <a href={againHref} className="underline underline-offset-2">
          See the free times again
        </a>
      </p>
    );
  }
  const minutes = Math.max(1, Math.ceil(secondsLeft / 60));
  return (
    <p className="mt-2 text-slate-700" data-testid="hold-minutes">
      We are holding {what} for you for{" "}
      {left === null ? (
        `${minutes} more ${minutes === 1 ? "minute" : "minutes"}`
      ) : (
        <span className="font-semibold tabular-nums" data-testid="hold-countdown">
          {Math.floor(left / 60)}:{String(left % 60).padStart(2, "0")} more
        </span>
      )}
      .
    </p>
  );
}
