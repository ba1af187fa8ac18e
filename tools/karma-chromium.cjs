// Karma's launcher for the shared headless Chromium (tools/chromium.cjs).
const { executablePath, flags } = require('./chromium.cjs');

process.env.CHROME_BIN = executablePath;

module.exports = {
  customLaunchers: {
    ChromeHeadlessCI: { base: 'ChromeHeadless', flags },
  },
  browsers: ['ChromeHeadlessCI'],
  // Progress redraws one line per spec; CI logs read better with dots.
  reporters: [process.env.CI ? 'dots' : 'progress'],
};
