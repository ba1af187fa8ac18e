// Karma for the demo's component specs, on the shared headless Chromium setup.
const chromium = require('../../tools/karma-chromium.cjs');

module.exports = function (config) {
  config.set({
    ...chromium,
    frameworks: ['jasmine'],
    plugins: [require('karma-jasmine'), require('karma-chrome-launcher')],
    client: { jasmine: { random: true } },
    singleRun: true,
  });
};
