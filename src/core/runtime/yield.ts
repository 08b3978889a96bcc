/** Lets the event loop run (a cancel message, a progress report) between two chunks of long work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
