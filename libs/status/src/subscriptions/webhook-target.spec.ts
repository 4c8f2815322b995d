import { assertPublicTarget, isNonPublicAddress, parseWebhookUrl } from './webhook-target';

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });

  it('accepts http(s) URLs and names url for anything else', () => {
    expect(parseWebhookUrl('https://hooks.example.com/a?b=1')).toEqual({ url: 'https://hooks.example.com/a?b=1', hostname: 'hooks.example.com' });
    expect(parseWebhookUrl('http://[::1]:8080/x').hostname).toBe('::1');
    for (const bad of ['ftp://example.com/x', 'javascript:alert(1)', 'example.com/x', 'https://user:pass@example.com/', '', 7]) {
      expect(() => parseWebhookUrl(bad)).toThrow(expect.objectContaining({ field: 'url' }));
    }
  });

  it('refuses a host resolving to any non-public address unless allowed', () => {
    expect(() => assertPublicTarget('evil.example', ['93.184.216.34', '127.0.0.1'], false)).toThrow(
      expect.objectContaining({ field: 'url', code: 'private_webhook_target' }),
    );
    expect(() => assertPublicTarget('gone.example', [], false)).toThrow(expect.objectContaining({ field: 'url' }));
    expect(() => assertPublicTarget('ok.example', ['93.184.216.34'], false)).not.toThrow();
    expect(() => assertPublicTarget('local', ['127.0.0.1'], true)).not.toThrow();
  });
});
