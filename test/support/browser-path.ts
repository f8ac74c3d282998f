/** Where the browser tests find Debian's Chromium (never a browser downloaded by Playwright). */
export const CHROMIUM = "/usr/bin/chromium";
