import { SignInThrottle } from '../../server/src/auth/signInThrottle';
import { describeSignInThrottleContract } from '../support/signInThrottleContract';

describeSignInThrottleContract('in memory', {
  shared: false,
  make: (options) => new SignInThrottle(options),
  dispose: async () => {},
});
