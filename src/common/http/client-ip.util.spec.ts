import { coarseIpHint } from 'src/common/http/client-ip.util';

describe('coarseIpHint', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['10.0.0.1', '10.0.0.0/24'],
    // A clientIpKey of IPv6 is already a /56; the hint widens it to /48.
    ['2001:db8:1234:5600::/56', '2001:db8:1234::/48'],
    ['2001:db8:1234:5678:9abc:def0:1234:5678', '2001:db8:1234::/48'],
    ['2001:DB8:1234:ffff::1', '2001:db8:1234::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['::1', '::/48'],
  ])('%s → %s', (address, hint) => {
    expect(coarseIpHint(address)).toBe(hint);
  });

  it('never returns the address itself', () => {
    for (const address of ['203.0.113.77', '2001:db8:1234:5678:9abc:def0:1234:5678']) {
      expect(coarseIpHint(address)).not.toContain(address);
    }
  });

  it.each(['unknown', '', 'not an ip', '999.1.1.1', '1.2.3'])('%p → null', (address) => {
    expect(coarseIpHint(address)).toBeNull();
  });
});
