/** Path of the system Chromium (CHROME_BIN, default /usr/bin/chromium). */
export declare const executablePath: string;
/** Command-line flags every headless run here uses. */
export declare const flags: readonly string[];
