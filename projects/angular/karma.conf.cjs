// Karma for the SDK's specs, on the shared headless Chromium (tools/karma-chromium.cjs).
const path = require('node:path');
const chromium = require('../../tools/karma-chromium.cjs');

module.exports = function (config) {
  config.set({
    basePath: '',
    // The scripted WebSocket server the integration specs steer (integration/scripted-server.cjs),
    // and a real @changefeed/server in a child process (integration/real-server.cjs).
    frameworks: ['jasmine', 'changefeed-scripted-server', 'changefeed-real-server'],
    beforeMiddleware: ['changefeed-control', 'changefeed-real-server'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
      require('./integration/scripted-server.cjs'),
      require('./integration/real-server.cjs'),
    ],
    client: {
      jasmine: { random: true },
      clearContext: false,
    },
    jasmineHtmlReporter: { suppressAll: true },
    coverageReporter: {
      dir: path.join(__dirname, '../../coverage/angular'),
      subdir: '.',
      reporters: [{ type: 'html' }, { type: 'text-summary' }],
    },
    ...chromium,
    browserNoActivityTimeout: 120000,
    restartOnFileChange: false,
  });
};
