import { NotificationsError } from './notifications-error';
import { NotificationsErrorCode } from './notifications-error-code';

describe(NotificationsError.name, () => {
  it('prefixes the package name and keeps code and collections', () => {
    const error = new NotificationsError(NotificationsErrorCode.Forbidden, 'no access to "payroll"', ['payroll']);
    expect(error.message).toBe('@changefeed/angular: no access to "payroll"');
    expect(error.code).toBe('forbidden');
    expect(error.collections).toEqual(['payroll']);
    expect(error).toBeInstanceOf(Error);
  });

  it('says its code when a production build left the sentence out', () => {
    const error = new NotificationsError(NotificationsErrorCode.MalformedFrame, '');
    expect(error.message).toBe('@changefeed/angular: malformed_frame');
  });
});
