import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

/**
 * A thin bar in the clinic's colour while the next page or a form's answer is loading, shown only
 * when that takes longer than a blink so fast steps do not flicker. Screen readers hear "Loading".
 */
export function NavigationProgress() {
  const busy = useNavigation().state !== "idle";
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!busy) {
      setVisible(false);
      return;
    }
    const timer = setTimeout(() => setVisible(true), 150);
    return () => clearTimeout(timer);
  }, [busy]);
  return (
    <>
      <div className={`pointer-events-none fixed inset-x-0 top-0 z-50 h-1 overflow-hidden transition-opacity print:hidden ${visible ? "opacity-100" : "opacity-0"}`} aria-hidden="true" data-testid="navigation-progress">
        <div className="navigation-progress-bar h-full w-1/3 bg-brand" />
      </div>
      <p className="sr-only" role="status">
        {visible ? "Loading" : ""}
      </p>
    </>
  );
}
