import { describe, expect, it } from 'vitest';
import { networkOf } from '../../server/src/auth/addressNetwork';
import { SignInThrottle } from '../../server/src/auth/signInThrottle';

describe('the network of a client address', () => {
  it('is an IPv4 address itself (also IPv4-mapped), an IPv6 address’s /64', () => {
    expect(networkOf('192.0.2.7')).toBe('192.0.2.7');
    expect(networkOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(networkOf('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(networkOf('')).toBe('');
  });

  it('is what the sign-in throttle counts: 20 failures from 20 addresses of one /64 lock all of it', async () => {
    const throttle = new SignInThrottle({
      maxFailuresPerAccount: 5,
      maxFailuresPerIp: 20,
      lockoutSeconds: 900,
    });
    for (let i = 0; i < 20; i++) await throttle.recordFailure(`user${i}@x.example`, `2001:db8:1:2::${i + 1}`);
    expect(await throttle.retryAfterSeconds('someone@x.example', '2001:db8:1:2:abcd::1')).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds('someone@x.example', '2001:db8:1:3::1')).toBe(0);
  });
});
