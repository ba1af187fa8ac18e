describe('karma wiring', () => {
  it('runs in Chromium', () => {
    expect(navigator.userAgent).toContain('Chrome');
  });
});
