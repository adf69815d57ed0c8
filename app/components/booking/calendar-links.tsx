/** "Google Calendar" and "Outlook" beside the .ics download (which Apple's and other calendars open). */
export function CalendarLinks({ links }: { links: { google: string; outlook: string } }) {
  return (
    <>
      <a href={links.google} target="_blank" rel="noopener noreferrer" className="btn-secondary min-h-12 text-base" data-testid="add-to-google">
        Google Calendar<span className="sr-only"> (opens in a new tab)</span>
      </a>
      <a href={links.outlook} target="_blank" rel="noopener noreferrer" className="btn-secondary min-h-12 text-base" data-testid="add-to-outlook">
        Outlook<span className="sr-only"> (opens in a new tab)</span>
      </a>
    </>
  );
}
